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

    /// Encrypts `text` for `--pub` with the chosen scheme.
    func encrypt(_ text: String) throws -> String {
        let (secret, peer) = (try key.secretKey(), try parsePublicKey(pub, option: "--pub"))
        if nip04 { return NIP04.encrypt(text, secretKey: secret, publicKey: peer) }
        do { return try NIP44.encrypt(text, conversationKey: NIP44.conversationKey(secretKey: secret, publicKey: peer)) } catch {
            throw CLIError(String(describing: error))
        }
    }

    /// Decrypts a payload from `--pub` with the chosen scheme; a payload that does not decrypt is a `CLIError`.
    func decrypt(_ payload: String) throws -> String {
        let (secret, peer) = (try key.secretKey(), try parsePublicKey(pub, option: "--pub"))
        do {
            if nip04 { return try NIP04.decrypt(payload, secretKey: secret, publicKey: peer) }
            return try NIP44.decrypt(payload, conversationKey: NIP44.conversationKey(secretKey: secret, publicKey: peer))
        } catch let error as NIP04Error {
            throw CLIError(error.description)
        } catch let error as NIP44Error {
            throw CLIError(error.description)
        }
    }
}

/// `operator-gate encrypt`.
struct EncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt", abstract: "Encrypt the plaintext on stdin (bytes as is) for --pub; print the payload.")
    @OptionGroup var options: SchemeOptions

    func run() throws {
        try runTool { StandardIO.printLine(try options.encrypt(try StandardIO.readText())) }
    }
}

/// `operator-gate decrypt`.
struct DecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt", abstract: "Decrypt the payload on stdin from --pub; print the plaintext exactly.")
    @OptionGroup var options: SchemeOptions

    func run() throws {
        try runTool { StandardIO.write(try options.decrypt(try StandardIO.readTrimmed())) }
    }
}
