import ArgumentParser
import CLISupport
import Foundation
import NostrCore

/// `operator-gate wrap`.
struct WrapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wrap",
        abstract: "Wrap the text on stdin as a NIP-17 message (kind-14 rumor, kind-13 seal, kind-1059 gift wrap) to --to.")
    @OptionGroup var key: SecretKeyOptions
    @Option(help: "The recipient's public key (hex, npub or nprofile).") var to: String

    func run() throws {
        try runTool {
            let author = KeyPair(secretKey: try key.secretKey())
            let recipient = try parsePublicKey(to, option: "--to")
            let text = try StandardIO.readText()
            do {
                let message = try NIP17.message(text, author: author, recipient: recipient, now: Int64(Date().timeIntervalSince1970))
                StandardIO.printLine(message.toRecipient.jsonString)
            } catch { throw CLIError("message too long for NIP-17: \(String(describing: error))") }
        }
    }
}

/// `operator-gate unwrap`.
struct UnwrapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unwrap",
        abstract: "Open the gift wrap on stdin: verify wrap and seal, check the rumor's author; print the rumor.")
    @OptionGroup var key: SecretKeyOptions

    func run() throws {
        try runTool {
            let recipient = try key.secretKey()
            let wrap: Event
            do { wrap = try Event.parse(StandardIO.readAll()) } catch { throw CLIError("stdin is not an event: \(String(describing: error))") }
            do {
                StandardIO.printLine(try NIP59.unwrap(wrap, recipient: recipient).rumor.jsonString)
            } catch { throw CLIError(String(describing: error)) }
        }
    }
}
