import NostrCore

/// What the bot's inbox remembers, behind one interface whatever the deployment: which messages were answered
/// (with their stored replies until published), which instance answers a message, and which messages another
/// instance stopped answering. ``LocalInboxStorage`` is one instance on its own SQLite store;
/// ``SharedInboxStorage`` adds the instances' shared PostgreSQL tables. The seen ids of dropped events and the
/// resume cursors stay in the instance's ``InboxStore`` either way.
public protocol InboxStorage: Sendable {
    /// The instance's own store (seen ids, cursors, its outbox).
    var local: InboxStore { get }
    /// How long a message claim lasts (seconds); `nil` when one instance answers everything (nothing to renew).
    var claimLease: Int64? { get }
    /// Claims `message` for this instance before it is answered or executed.
    func claim(_ message: DirectMessage, carrier: Event, now: Int64) async throws -> MessageClaim
    /// Extends this instance's claim while the message's command runs; `false` when the claim was lost.
    func renewClaim(messageID: String, now: Int64) async throws -> Bool
    /// Records `message` answered with `reply` (the signed events to publish). `false`: another instance took the
    /// message over and answers it; this reply must not be sent.
    func storeReply(_ reply: [Event], answering message: DirectMessage, now: Int64) async throws -> Bool
    /// Stored replies not yet published (retried until a relay accepts them), oldest first: at most `limit`, and
    /// none of the messages in `excluding` (those the publisher holds already).
    func pendingReplies(now: Int64, limit: Int, excluding: Set<String>) async throws -> [(messageID: String, events: [Event])]
    /// Records replies as published (one write for all of them).
    func markPublished(messageIDs: [String], now: Int64) async throws
    /// Messages whose instance stopped answering (their claim's lease ran out), taken over by this one: their
    /// carrier events, to be handled again.
    func takeOverAbandoned(now: Int64) async throws -> [Event]
    /// The newest resume cursors any instance reached (`nil` when there is only this one).
    func sharedCursor() async -> InboxCursor?
}
