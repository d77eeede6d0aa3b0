import NostrCore
import NostrIngress

/// An inbound event after the inbox's stateless steps (kind, addressee, the kind-4 operator check, size of a
/// wrap, seen before, verify and decrypt or unwrap): what ``InboxPipeline/prepare(_:)`` returns and
/// ``InboxPipeline/admit(_:now:)`` finishes, in arrival order.
///
/// Preparing is pure and needs no order, so several events can be prepared at once on different cores (the
/// signature check and the decryption are most of an authorized DM's cost); ``OrderedParallelMap`` does that and
/// hands them on in the order they came.
public struct PreparedEvent: Sendable {
    public let event: Event
    let stage: Stage

    /// The verified, decrypted message, when preparing got that far.
    public var message: DirectMessage? {
        if case .decoded(let message) = stage { return message }
        return nil
    }

    enum Stage: Sendable {
        /// Dropped before any cryptography; nothing to remember.
        case dropped(reason: InboxDropReason, detail: String)
        /// Verification, decryption or unwrapping failed (remembered as seen, never answered).
        case undecodable(DirectMessageDropReason)
        /// Verified and decrypted.
        case decoded(DirectMessage)
    }
}
