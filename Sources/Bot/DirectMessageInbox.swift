import Logging
import NostrCore

/// Turns relay events into direct messages, each exactly once across relays and restarts.
///
/// Order of checks, cheapest first: kind and `p` tag → carrier already processed? → verify and decrypt/unwrap
/// → message (rumor) already processed? → message time inside the window. A message is only recorded as
/// processed when the consumer calls ``acknowledge(_:now:)``, so a crash before that re-delivers it.
public actor DirectMessageInbox {
    /// What became of one inbound event.
    public enum Outcome: Sendable, Equatable {
        case message(DirectMessage)
        case duplicate
        case dropped(DirectMessageDropReason)
        case tooOld(DirectMessage)
    }

    private let decoder: DirectMessageDecoder
    private let store: InboxStore
    private let logger: Logger
    private var cursor: InboxCursor
    private let earliest: (nip04: Int64, nip17: Int64)
    private let lookback: Int64
    /// Drops by reason label, since start.
    public private(set) var drops: [String: Int] = [:]
    /// Messages delivered since start.
    public private(set) var delivered = 0

    /// - Parameters:
    ///   - lookback: on a first start (no cursor), how far back in message time to accept (seconds).
    public init(decoder: DirectMessageDecoder, store: InboxStore, lookback: Int64 = 600, now: Int64, logger: Logger) throws {
        self.decoder = decoder
        self.store = store
        self.logger = logger
        self.lookback = lookback
        let cursor = try store.cursor()
        self.cursor = cursor
        self.earliest = cursor.earliestMessageTime(now: now, lookback: lookback)
    }

    /// The REQs for (re)connecting relays: `since` follows the persisted cursors.
    public func subscriptions(now: Int64) -> [String: [Filter]] {
        cursor.filters(recipient: decoder.recipient, now: now, lookback: lookback)
    }

    /// Current cursors.
    public var currentCursor: InboxCursor { cursor }

    /// Classifies one inbound event.
    public func process(_ event: Event, now: Int64) -> Outcome {
        do { try decoder.isAddressedToUs(event) } catch { return drop(error, event) }
        if (try? store.hasSeen(event.id)) == true { return .duplicate }
        let message: DirectMessage
        do { message = try decoder.decode(event) } catch {
            // A verified event that does not decrypt is not worth a second look when another relay repeats it; one
            // that failed verification is not remembered (its id may be a real event's, claimed by a forgery).
            if error.carrierVerified { try? store.markSeen(ids: [event.id], messageTime: event.createdAt, now: now) }
            return drop(error, event)
        }
        if message.id != event.id, (try? store.hasSeen(message.id)) == true {
            try? store.markSeen(ids: [event.id], messageTime: message.createdAt, now: now)
            return .duplicate
        }
        let floor = message.scheme == .nip04 ? earliest.nip04 : earliest.nip17
        guard message.createdAt >= floor else {
            try? store.markSeen(ids: Array(Set([event.id, message.id])), messageTime: message.createdAt, now: now)
            drops["too_old", default: 0] += 1
            return .tooOld(message)
        }
        delivered += 1
        return .message(message)
    }

    /// Records a message as processed and advances the cursor (one SQLite transaction).
    public func acknowledge(_ message: DirectMessage, now: Int64) throws {
        var next = cursor
        next.advance(scheme: message.scheme, messageTime: message.createdAt, now: now)
        try store.markProcessed(ids: Array(Set([message.carrierID, message.id])), messageTime: message.createdAt, cursor: next, now: now)
        cursor = next
    }

    private func drop(_ reason: DirectMessageDropReason, _ event: Event) -> Outcome {
        drops[reason.label, default: 0] += 1
        logger.debug("dropped event", metadata: ["id": "\(event.id)", "kind": "\(event.kind)", "reason": "\(reason)"])
        return .dropped(reason)
    }
}
