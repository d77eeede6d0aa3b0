import ArgumentParser
import CLISupport
import NostrCore

/// `operator-gate key generate|show`.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Generate or inspect keys.",
        subcommands: [Generate.self, Show.self])

    static func describe(_ secret: SecretKey) -> String {
        let pub = secret.publicKey
        return JSONOutput.object([
            ("secret", .string(secret.hex)), ("nsec", .string(secret.nsec)),
            ("pubkey", .string(pub.hex)), ("npub", .string(pub.npub))
        ]).text
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a fresh key pair from the system CSPRNG.")
        func run() throws { StandardIO.printLine(KeyCommand.describe(.generate())) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a secret key in every form, with its public key.")
        @Argument(help: "Secret key: 64 hex characters or nsec.") var key: String
        func run() throws {
            try runTool { StandardIO.printLine(KeyCommand.describe(try parseSecretKey(key, option: "KEY"))) }
        }
    }
}
