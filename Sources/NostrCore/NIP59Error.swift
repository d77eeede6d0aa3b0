/// Why a gift wrap could not be opened. Any of these means: drop it, the real author is unknown.
public enum NIP59Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The outer event is not kind 1059 (or 21059).
    case notAGiftWrap(kind: Int)
    /// The outer event's id or signature is wrong.
    case invalidWrap(EventError)
    /// A NIP-44 layer failed to decrypt (wrong recipient, or tampered).
    case decryptionFailed(layer: String, NIP44Error)
    /// The seal is not a valid event of kind 13 with empty tags.
    case invalidSeal(String)
    /// The rumor inside the seal is malformed.
    case invalidRumor(EventError)
    /// The rumor claims another author than the one who signed the seal: an impersonation attempt.
    case senderMismatch(sealPubkey: String, rumorPubkey: String)
    /// The caller's `acceptingSeal` refused the seal's (claimed, not yet verified) author: nothing more was done.
    case sealAuthorRefused(String)

    public var description: String {
        switch self {
        case .notAGiftWrap(let kind): return "event of kind \(kind) is not a gift wrap (1059)"
        case .invalidWrap(let error): return "gift wrap is invalid: \(error)"
        case .decryptionFailed(let layer, let error): return "cannot decrypt the \(layer): \(error)"
        case .invalidSeal(let detail): return "seal is invalid: \(detail)"
        case .invalidRumor(let error): return "rumor is invalid: \(error)"
        case .senderMismatch(let seal, let rumor):
            return "forged gift wrap: seal signed by \(seal) but rumor claims author \(rumor)"
        case .sealAuthorRefused(let author): return "seal author \(author.prefix(16))… is not accepted (not verified, not opened)"
        }
    }
}
