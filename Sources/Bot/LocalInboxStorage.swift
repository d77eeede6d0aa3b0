import NostrCore

/// One instance on its own: every message is this instance's to answer, replies live in its SQLite outbox.
public struct LocalInboxStorage: InboxStorage {
    public let local: InboxStore
    public var claimLease: Int64? { nil }

    public init(local: InboxStore) { self.local = local }

    public func claim(_ message: DirectMessage, carrier: Event, now: Int64) async throws -> MessageClaim { .won }

    public func renewClaim(messageID: String, now: Int64) async throws -> Bool { true }

    public func storeReply(_ reply: [Event], answering message: DirectMessage, now: Int64) async throws -> Bool {
        try await local.storeProcessed(message, now: now, reply: reply)
        return true
    }

    public func pendingReplies(now: Int64, limit: Int, excluding: Set<String>) async throws -> [(messageID: String, events: [Event])] {
        try local.pendingReplies(limit: limit, excluding: excluding)
    }

    public func markPublished(messageIDs: [String], now: Int64) async throws {
        try local.markPublished(messageIDs: messageIDs, at: now)
    }

    public func takeOverAbandoned(now: Int64) async throws -> [Event] { [] }

    public func sharedCursor() async -> InboxCursor? { nil }
}
