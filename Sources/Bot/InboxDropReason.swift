import NostrCore
import NostrIngress

/// Why the inbox dropped an event without answering it. ``label`` is the metrics label (`drops_total{reason}`) and
/// the word `replay` prints; it stays stable.
public enum InboxDropReason: Sendable, Equatable, CustomStringConvertible {
    /// Verification, decryption or unwrapping failed, or the event is not a direct message for the bot.
    case undecodable(DirectMessageDropReason)
    /// From somebody who is not an operator (a kind-4 author, or a gift wrap's verified sender).
    case stranger
    /// A gift wrap larger than the configured limit, dropped before any cryptography.
    case oversized
    /// Seen before: the same event, or the same message in another wrap.
    case duplicate
    /// Written before the last message handled (it would be answered out of order).
    case tooOld
    /// Over the operator's rate limit, and the operator was already told.
    case rateLimited
    /// The shared inbox (several instances) could not be asked who answers it; the relays deliver it again.
    case sharedInboxUnavailable
    /// Another instance answers it.
    case handledElsewhere
    /// The bot's own NIP-17 copy of one of its answers (it is p-tagged to the bot), known by id before any cryptography.
    case ownCopy

    public var label: String {
        switch self {
        case .undecodable(let reason): reason.label
        case .stranger: "stranger"
        case .oversized: "oversized"
        case .duplicate: "duplicate"
        case .tooOld: "too_old"
        case .rateLimited: "rate_limited"
        case .sharedInboxUnavailable: "shared_inbox_unavailable"
        case .handledElsewhere: "handled_elsewhere"
        case .ownCopy: "own_copy"
        }
    }

    public var description: String { label }
}
