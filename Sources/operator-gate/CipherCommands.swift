import ArgumentParser
import CLISupport
import NostrCore

/// Which payload encryption `encrypt`/`decrypt` use.
struct SchemeOptions: ParsableArguments {
    @Flag(name: .customLong("nip04"), help: "NIP-04 (AES-256-CBC; legacy kind-4 DMs).") var nip04 = false
    @Flag(name: .customLong("nip44"), help: "NIP-44 v2 (ChaCha20 + HMAC; NIP-17 DMs).") var nip44 = false
    @OptionGroup var key: SecretKeyOptions
    @Option(help: "The peer's public key (hex, npub or nprofile).") var pub: String

    func validate() throws {
        guard nip04 != nip44 else { throw ValidationError("choose exactly one of --nip04 or --nip44") }
    }

    /// The secret key (`--sec` or its sources) and the peer's public key (`--pub`).
    func keys() throws -> (secret: SecretKey, peer: PublicKey) {
        (try key.secretKey(), try parsePublicKey(pub, option: "--pub"))
    }
}

/// `operator-gate encrypt`.
struct EncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt", abstract: "Encrypt the plaintext on stdin (bytes as is) for --pub; print the payload.")
    @OptionGroup var options: SchemeOptions

    func run() throws {
        try runTool {
            let (secret, peer) = try options.keys()
            let text = try StandardIO.readText()
            if options.nip04 {
                StandardIO.printLine(NIP04.encrypt(text, secretKey: secret, publicKey: peer))
            } else {
                do {
                    StandardIO.printLine(try NIP44.encrypt(text, conversationKey: NIP44.conversationKey(secretKey: secret, publicKey: peer)))
                } catch { throw CLIError(String(describing: error)) }
            }
        }
    }
}

/// `operator-gate decrypt`.
struct DecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt", abstract: "Decrypt the payload on stdin from --pub; print the plaintext exactly.")
    @OptionGroup var options: SchemeOptions

    func run() throws {
        try runTool {
            let (secret, peer) = try options.keys()
            let payload = try StandardIO.readTrimmed()
            do {
                if options.nip04 {
                    StandardIO.write(try NIP04.decrypt(payload, secretKey: secret, publicKey: peer))
                } else {
                    StandardIO.write(try NIP44.decrypt(payload, conversationKey: NIP44.conversationKey(secretKey: secret, publicKey: peer)))
                }
            } catch let error as NIP04Error {
                throw CLIError(error.description)
            } catch let error as NIP44Error {
                throw CLIError(error.description)
            }
        }
    }
}
