import Logging
import NostrCore

/// Several instances on one PostgreSQL database (``PostgresInbox``): the first instance to claim a message answers
/// it; its reply is stored in the shared tables before its own outbox, which only the instance still holding the
/// claim can do; replies an instance stored but did not publish are published by another; messages whose instance
/// stopped answering are taken over.
public struct SharedInboxStorage: InboxStorage {
    public let local: InboxStore
    public let shared: PostgresInbox
    private let logger: Logger

    public init(local: InboxStore, shared: PostgresInbox, logger: Logger) { (self.local, self.shared, self.logger) = (local, shared, logger) }

    public var claimLease: Int64? { shared.lease }

    public func claim(_ message: DirectMessage, carrier: Event, now: Int64) async throws -> MessageClaim {
        let outcome = try await shared.claim(messageID: message.id, carrierID: carrier.id, event: carrier.jsonString, now: now)
        if outcome != .won {
            // Answered elsewhere: a copy from another relay costs no second look here.
            try? local.markSeen(ids: Array(Set([carrier.id, message.id])), messageTime: message.createdAt, now: now)
        }
        return outcome
    }

    public func renewClaim(messageID: String, now: Int64) async throws -> Bool {
        try await shared.renew(messageID: messageID, now: now)
    }

    public func storeReply(_ reply: [Event], answering message: DirectMessage, now: Int64) async throws -> Bool {
        guard try await shared.complete(messageID: message.id, reply: reply.map(\.jsonString), now: now) else {
            try? local.markSeen(ids: InboxStore.processedIDs(of: message), messageTime: message.createdAt, now: now)
            return false
        }
        try await shared.advanceCursor(scheme: message.scheme.rawValue, messageTime: min(message.createdAt, now))
        try await local.storeProcessed(message, now: now, reply: reply)
        return true
    }

    /// This instance's unpublished replies, and those another instance stored more than two leases ago and did not
    /// publish.
    public func pendingReplies(now: Int64, limit: Int, excluding: Set<String>) async throws -> [(messageID: String, events: [Event])] {
        var pending = try local.pendingReplies(limit: limit, excluding: excluding)
        guard pending.count < limit else { return pending }
        let taken = Set(pending.map(\.messageID)).union(excluding)
        for (messageID, replies) in try await shared.unpublishedReplies(completedBefore: now - 2 * shared.lease) where !taken.contains(messageID) {
            guard pending.count < limit else { break }
            let events = replies.compactMap { try? Event.parse($0) }
            if !events.isEmpty { pending.append((messageID, events)) }
        }
        return pending
    }

    public func markPublished(messageIDs: [String], now: Int64) async throws {
        try local.markPublished(messageIDs: messageIDs, at: now)
        try await shared.markPublished(messageIDs: messageIDs)
    }

    public func takeOverAbandoned(now: Int64) async throws -> [Event] {
        try await shared.takeOverExpired(now: now).compactMap { messageID, json in
            guard let event = try? Event.parse(json) else {
                logger.error("a stored message does not parse; skipped", metadata: ["message": "\(messageID)"])
                return nil
            }
            return event
        }
    }

    public func sharedCursor() async -> InboxCursor? {
        guard let cursors = try? await shared.cursors() else { return nil }
        return InboxCursor(nip04: cursors["nip04"], nip17: cursors["nip17"])
    }
}
