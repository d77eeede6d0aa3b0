import GatePostgres
import Logging
import PostgresNIO

/// The bot's inbox state shared by every instance on one PostgreSQL database (beside ``PostgresLedger``, on its
/// client): which instance answers which message, the stored replies, and the resume cursors.
///
/// Every instance receives every DM. The first to ``claim(messageID:carrierID:event:now:)`` it (one
/// `INSERT … ON CONFLICT DO NOTHING`) answers it; the others stay silent. The claim has a lease like a ledger
/// claim: renewed while the command runs, and when the instance dies, another takes the message over
/// (``takeOverExpired(now:limit:)``) and runs it again from the stored event (the Gate then finds its ledger
/// claim and reconciles it). Only the instance that still holds the claim when it has its reply may store it
/// (``complete(messageID:reply:now:)``), so one acknowledgement is sent. Stored replies that their instance did
/// not get to publish are published by another (``unpublishedReplies(completedBefore:limit:)``).
public final class PostgresInbox: Sendable {
    public let instance: String
    public let lease: Int64
    private let client: PostgresClient
    private let logger: Logger

    /// On the ledger's client, as the ledger's instance, with its lease.
    public init(ledger: PostgresLedger) {
        self.client = ledger.client
        self.instance = ledger.instance
        self.lease = ledger.leaseDuration ?? 30
        self.logger = ledger.logger
    }

    public func claim(messageID: String, carrierID: String, event: String, now: Int64) async throws -> MessageClaim {
        let until = now + lease
        let inserted = try await client.query(
            """
            INSERT INTO inbox_message (message_id, carrier_id, event, instance_id, lease_until, state, claimed_at)
            VALUES (\(messageID), \(carrierID), \(event), \(instance), \(until), 'claimed', \(now))
            ON CONFLICT (message_id) DO NOTHING RETURNING message_id
            """, logger: logger)
        for try await _ in inserted.decode(String.self) { return .won }
        // Someone has it: this instance after a restart, an expired lease, a live one, or done.
        let taken = try await client.query(
            """
            UPDATE inbox_message SET instance_id = \(instance), lease_until = \(until)
            WHERE message_id = \(messageID) AND state = 'claimed' AND (instance_id = \(instance) OR lease_until < \(now))
            RETURNING message_id
            """, logger: logger)
        for try await _ in taken.decode(String.self) { return .won }
        for try await (state, holder) in try await client.query(
            "SELECT state, instance_id FROM inbox_message WHERE message_id = \(messageID)", logger: logger
        ).decode((String, String).self) {
            return state == "claimed" ? .busyElsewhere(instance: holder) : .handledElsewhere
        }
        return .handledElsewhere
    }

    /// Extends this instance's claim; `false` when it is no longer this instance's.
    public func renew(messageID: String, now: Int64) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE inbox_message SET lease_until = \(now + lease)
            WHERE message_id = \(messageID) AND state = 'claimed' AND instance_id = \(instance) RETURNING message_id
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Stores the reply (signed events as JSON) and marks the message done, if this instance still holds it.
    /// `false`: another instance took it over and answers it; this reply must not be sent.
    public func complete(messageID: String, reply: [String], now: Int64) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE inbox_message SET state = 'done', completed_at = \(now), reply = \(reply.joined(separator: "\n"))
            WHERE message_id = \(messageID) AND state = 'claimed' AND instance_id = \(instance) RETURNING message_id
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func markPublished(messageIDs: [String]) async throws {
        try await client.query("UPDATE inbox_message SET published = true WHERE message_id = ANY(\(messageIDs))", logger: logger)
    }

    /// Takes over (atomically) up to `limit` messages whose claim expired, and returns their stored events.
    public func takeOverExpired(now: Int64, limit: Int = 20) async throws -> [(messageID: String, event: String)] {
        let rows = try await client.query(
            """
            UPDATE inbox_message SET instance_id = \(instance), lease_until = \(now + lease)
            WHERE message_id IN (SELECT message_id FROM inbox_message WHERE state = 'claimed' AND lease_until < \(now)
                                 ORDER BY claimed_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
              AND state = 'claimed' AND lease_until < \(now)
            RETURNING message_id, event
            """, logger: logger)
        var taken: [(String, String)] = []
        for try await row in rows.decode((String, String).self) { taken.append(row) }
        if !taken.isEmpty { logger.notice("took over messages whose instance stopped answering", metadata: ["count": "\(taken.count)"]) }
        return taken
    }

    /// Replies stored before `completedBefore` and still unpublished (their instance stopped before publishing).
    public func unpublishedReplies(completedBefore: Int64, limit: Int = 50) async throws -> [(messageID: String, reply: [String])] {
        let rows = try await client.query(
            """
            SELECT message_id, reply FROM inbox_message WHERE state = 'done' AND NOT published AND completed_at < \(completedBefore)
            ORDER BY completed_at LIMIT \(limit)
            """, logger: logger)
        var found: [(String, [String])] = []
        for try await (id, reply) in rows.decode((String, String?).self) {
            found.append((id, (reply ?? "").split(separator: "\n").map(String.init)))
        }
        return found
    }

    /// The newest message time handled per scheme (`nip04`, `nip17`), across instances.
    public func cursors() async throws -> [String: Int64] {
        var cursors: [String: Int64] = [:]
        for try await (scheme, time) in try await client.query("SELECT scheme, message_time FROM inbox_cursor", logger: logger)
            .decode((String, Int64).self)
        {
            cursors[scheme] = time
        }
        return cursors
    }

    public func advanceCursor(scheme: String, messageTime: Int64) async throws {
        try await client.query(
            """
            INSERT INTO inbox_cursor (scheme, message_time) VALUES (\(scheme), \(messageTime))
            ON CONFLICT (scheme) DO UPDATE SET message_time = GREATEST(inbox_cursor.message_time, EXCLUDED.message_time)
            """, logger: logger)
    }
}
