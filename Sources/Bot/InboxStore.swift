import Foundation
import GRDB
import Gate
import NIOConcurrencyHelpers
import NostrCore

/// The inbox's persistent memory: which events and messages were already processed, and the resume cursors.
///
/// SQLite through GRDB (WAL). A bounded in-memory set in front answers repeated lookups without touching the
/// database (while every recorded id fits in memory, a miss there needs no read either); the tables are pruned
/// of records older than any subscription could still deliver. One process writes a store.
public final class InboxStore: Sendable {
    let database: DatabasePool
    /// Shares commits between concurrent ``storeProcessed(_:now:reply:)`` calls (group commit).
    private let batcher: WriteBatcher
    /// A connection of its own for checkpoints (``maintainLog(quiet:)``).
    private let checkpointer: WALCheckpointer
    /// The most recent ids, and whether they are all the ids the table holds: while they are, a miss in memory
    /// is a definite "not seen" and costs no database read.
    private let recent: NIOLockedValueBox<(set: BoundedSet<String>, complete: Bool)>
    /// Ids noted as seen but not yet written (``noteSeen(ids:messageTime:now:)``); at most ``seenBatchSize``.
    private let pendingSeen = NIOLockedValueBox<[(id: String, time: Int64, at: Int64)]>([])

    /// Opens (creating if needed) the store at `path`.
    public init(path: String, memoryCapacity: Int = 50_000) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // As the ledger's default: a commit survives a crash of the process without an fsync (SQLite's default FULL
        // synced the write-ahead log at every commit: most of storing a reply, issue #13). What a power loss can
        // take back is the last processed marks and replies; those messages come back from the relays (the cursor
        // did not move) and are answered from the ledger.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try SQLitePageCache.apply(to: db)
        }
        database = try DatabasePool(path: path, configuration: configuration)
        batcher = WriteBatcher(database: database, commitsInline: true)
        checkpointer = try WALCheckpointer(path: path)
        recent = NIOLockedValueBox((BoundedSet(capacity: memoryCapacity), false))
        try Self.migrator.migrate(database)
        try loadMemory()
    }

    /// The store's schema, migration by migration.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("inbox-v1") { db in
            try db.create(table: "inbox_seen") { table in
                table.primaryKey("id", .text)
                table.column("message_time", .integer).notNull()
                table.column("seen_at", .integer).notNull()
            }
            try db.create(index: "inbox_seen_by_time", on: "inbox_seen", columns: ["message_time"])
            try db.create(table: "inbox_cursor") { table in
                table.primaryKey("scheme", .text)
                table.column("created_at", .integer).notNull()
            }
        }
        // Replies are stored, signed, in the transaction that marks their message processed, and published after;
        // a crash in between re-publishes the same events (same ids) at the next start.
        migrator.registerMigration("inbox-v2-outbox") { db in
            try db.create(table: "outbox") { table in
                table.primaryKey("message_id", .text)
                table.column("events", .text).notNull()
                table.column("created_at", .integer).notNull()
                table.column("published_at", .integer)
            }
            try db.create(index: "outbox_pending", on: "outbox", columns: ["created_at"], condition: Column("published_at") == nil)
        }
        // Operators' relay lists, looked up for routing answers (``RelayListDirectory``).
        migrator.registerMigration("inbox-v3-relay-lists", migrate: Self.createRelayListTable)
        // Webhook deliveries, notices waiting for a DM, subscriptions (InboxStore+Webhooks).
        migrator.registerMigration("inbox-v4-webhooks", migrate: Self.createWebhookTables)
        // Seen ids in one B-tree instead of two (InboxStore+SeenTable).
        migrator.registerMigration("inbox-v5-seen-without-rowid", migrate: Self.rebuildSeenWithoutRowID)
        return migrator
    }

    /// Loads every id when they fit in memory (the table is pruned to what relays could still deliver), so that
    /// misses need no read; otherwise memory fills with new ids as they come and misses read SQLite.
    private func loadMemory() throws {
        let capacity = recent.withLockedValue { $0.set.capacity }
        let ids = try database.read { db -> [String]? in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM inbox_seen") ?? 0 <= capacity else { return nil }
            return try String.fetchAll(db, sql: "SELECT id FROM inbox_seen ORDER BY seen_at")
        }
        recent.withLockedValue { state in
            state = (BoundedSet(capacity: capacity), ids != nil)
            for id in ids ?? [] { state.set.insert(id) }
        }
    }

    /// Whether an event id or message id was recorded.
    public func hasSeen(_ id: String) throws -> Bool {
        let (known, complete) = recent.withLockedValue { ($0.set.contains(id), $0.complete) }
        if known { return true }
        if complete { return false }
        return try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM inbox_seen WHERE id = ?", arguments: [id]) ?? false
        }
    }

    /// Records ids (the carrier event and, for NIP-17, the rumor) as processed and advances the cursor, in one
    /// transaction.
    /// - Parameters:
    ///   - reply: signed events answering the message, stored in the same transaction under `reply.messageID`
    ///     until ``markPublished(messageIDs:at:)``.
    public func markProcessed(
        ids: [String], messageTime: Int64, cursor: InboxCursor, now: Int64,
        reply: (messageID: String, events: [Event])? = nil
    ) throws {
        try database.writeInCachedTransaction { db in
            try Self.writeProcessed(db, ids: ids, messageTime: messageTime, cursor: cursor, now: now, reply: reply)
        }
        rememberInMemory(ids)
    }

    /// ``markProcessed(_:now:reply:)`` in a commit shared with the calls made meanwhile (group commit: a burst of
    /// answers stores in a few commits instead of one each); returns once that commit is durable. Each call's
    /// writes are in their own savepoint, so a failing one leaves the others whole.
    public func storeProcessed(_ message: DirectMessage, now: Int64, reply: [Event]? = nil) async throws {
        let ids = Self.processedIDs(of: message)
        let cursor = Self.cursor(after: message, now: now)
        let reply = reply.map { (messageID: message.id, events: $0) }
        try await batcher.submit { db in
            try db.inCachedSavepoint {
                try Self.writeProcessed(db, ids: ids, messageTime: message.createdAt, cursor: cursor, now: now, reply: reply)
            }
        }
        rememberInMemory(ids)
    }

    /// The ids a handled message is recorded under: its carrier's and its own (the same for NIP-04).
    static func processedIDs(of message: DirectMessage) -> [String] { Array(Set([message.carrierID, message.id])) }

    private static func cursor(after message: DirectMessage, now: Int64) -> InboxCursor {
        var cursor = InboxCursor()
        cursor.advance(scheme: message.scheme, messageTime: message.createdAt, now: now)
        return cursor
    }

    private static func writeProcessed(
        _ db: Database, ids: [String], messageTime: Int64, cursor: InboxCursor, now: Int64, reply: (messageID: String, events: [Event])?
    ) throws {
        if let reply { try insertOutbox(db, id: reply.messageID, events: reply.events, now: now) }
        for id in ids { try insertSeen(db, id: id, messageTime: messageTime, seenAt: now) }
        for (scheme, value) in [("nip04", cursor.nip04), ("nip17", cursor.nip17)] {
            guard let value else { continue }
            try db.cachedStatement(
                sql: """
                    INSERT INTO inbox_cursor (scheme, created_at) VALUES (?, ?)
                    ON CONFLICT(scheme) DO UPDATE SET created_at = max(created_at, excluded.created_at)
                    """
            ).execute(arguments: [scheme, value])
        }
    }

    /// Records a handled message (its carrier and its own id) as processed and advances its scheme's cursor to the
    /// message's time, with its reply if any (``markProcessed(ids:messageTime:cursor:now:reply:)``).
    public func markProcessed(_ message: DirectMessage, now: Int64, reply: [Event]? = nil) throws {
        try markProcessed(
            ids: Self.processedIDs(of: message), messageTime: message.createdAt, cursor: Self.cursor(after: message, now: now), now: now,
            reply: reply.map { (message.id, $0) })
    }

    /// Stores signed events in the outbox under `id` (a message's answer, or a notice) until they are published; a
    /// second store of the same id changes nothing.
    static func insertOutbox(_ db: Database, id: String, events: [Event], now: Int64) throws {
        let json = "[" + events.map(\.jsonString).joined(separator: ",") + "]"
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO outbox (message_id, events, created_at) VALUES (?, ?, ?)").execute(arguments: [
            id, json, now
        ])
    }

    /// Adds ids to the in-memory set; once one is evicted, the set no longer holds every recorded id.
    private func rememberInMemory(_ ids: [String]) {
        recent.withLockedValue { state in
            for id in ids where state.set.insertEvicting(id).evicted != nil { state.complete = false }
        }
    }

    private static func insertSeen(_ db: Database, id: String, messageTime: Int64, seenAt: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO inbox_seen (id, message_time, seen_at) VALUES (?, ?, ?)")
            .execute(arguments: [id, messageTime, seenAt])
    }

    /// Records ids as seen without moving cursors (for events dropped after the expensive checks).
    public func markSeen(ids: [String], messageTime: Int64, now: Int64) throws {
        try markProcessed(ids: ids, messageTime: messageTime, cursor: InboxCursor(), now: now)
    }

    /// Records ids as seen in memory at once and in SQLite with the next batch (``flushSeen()``, or when
    /// ``seenBatchSize`` are waiting), so a flood of strangers' gift wraps costs one write per batch instead of one
    /// each. For drops whose loss in a crash costs only a second look (the event would be dropped again).
    public func noteSeen(ids: [String], messageTime: Int64, now: Int64) throws {
        let batch = pendingSeen.withLockedValue { pending -> [(id: String, time: Int64, at: Int64)]? in
            pending.append(contentsOf: ids.map { ($0, messageTime, now) })
            guard pending.count >= Self.seenBatchSize else { return nil }
            defer { pending = [] }
            return pending
        }
        rememberInMemory(ids)
        if let batch { try write(batch) }
    }

    /// How many noted ids wait before they are written together.
    public static let seenBatchSize = 256

    /// Writes the ids noted by ``noteSeen(ids:messageTime:now:)`` that are still waiting; returns how many.
    @discardableResult
    public func flushSeen() throws -> Int {
        let batch = pendingSeen.withLockedValue { pending in
            defer { pending = [] }
            return pending
        }
        try write(batch)
        return batch.count
    }

    private func write(_ batch: [(id: String, time: Int64, at: Int64)]) throws {
        guard !batch.isEmpty else { return }
        try database.writeInCachedTransaction { db in
            for (id, time, at) in batch { try Self.insertSeen(db, id: id, messageTime: time, seenAt: at) }
        }
    }

    /// How long a webhook delivery made into notices is kept after `publishedBefore` (seconds): Gitea's redelivery
    /// of an older one would notify again.
    static let deliveryRetention: Int64 = 29 * 86_400

    /// Checkpoints the write-ahead log beside the commits of stored answers (``WALCheckpointer``: once they pause
    /// for `quiet`, or after 500 stored answers) until the task is cancelled; meanwhile SQLite's own checkpoint,
    /// inside a commit, waits for ``WALCheckpointer/backstopPages`` instead of 1,000 pages. Commits outside the
    /// answers' batches (seen ids, relay lists, notices) are checkpointed with the next answer's. The bot runs it
    /// for as long as it runs.
    public func maintainLog(quiet: Duration = .milliseconds(200)) async {
        _ = try? await database.writeWithoutTransaction { db in try WALCheckpointer.raiseBackstop(on: db) }
        await checkpointer.run(after: batcher, quiet: quiet)
    }

    /// Keeps the store bounded: writes waiting ids, deletes seen records whose message time is before
    /// `seenBefore`, replies published before `publishedBefore`, and webhook deliveries made into notices 29 days
    /// before that. Returns how many seen records and replies went.
    @discardableResult
    public func maintain(seenBefore: Int64, publishedBefore: Int64) throws -> (seen: Int, replies: Int) {
        try flushSeen()
        let seen = try prune(before: seenBefore)
        let replies = try database.write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?", arguments: [publishedBefore])
            let count = db.changesCount
            // Webhook deliveries made into notices 30 days before: kept that long to recognise a redelivery.
            try db.execute(
                sql: "DELETE FROM webhook_delivery WHERE fanned_out AND received_at < ?", arguments: [publishedBefore - Self.deliveryRetention])
            return count
        }
        return (seen, replies)
    }

    /// Rows in the seen table and the outbox.
    public func sizes() throws -> (seen: Int, outbox: Int) {
        try database.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM inbox_seen") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0)
        }
    }

    /// Replies stored but not yet confirmed published, oldest first: at most `limit` of them, leaving out the
    /// messages in `excluding` (read, not decoded: the ones a publisher holds already).
    public func pendingReplies(limit: Int = .max, excluding: Set<String> = []) throws -> [(messageID: String, events: [Event])] {
        // The excluded may be among the oldest rows: read that many more. -1 is SQLite's "no limit".
        let (rows, overflow) = max(0, limit).addingReportingOverflow(excluding.count)
        return try database.read { db in
            var pending: [(messageID: String, events: [Event])] = []
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT message_id, events FROM outbox WHERE published_at IS NULL ORDER BY created_at LIMIT ?",
                arguments: [overflow ? -1 : rows])
            while pending.count < limit, let row = try cursor.next() {
                let messageID: String = row[0]
                guard !excluding.contains(messageID) else { continue }
                let text: String = row[1]
                pending.append((messageID, (try? JSONDecoder().decode([Event].self, from: Data(text.utf8))) ?? []))
            }
            return pending
        }
    }

    /// The ids of the events of the most recent stored replies (published or not), newest first, at most `limit`
    /// replies: the bot's own copies among them come back from relays after a restart.
    public func replyEventIDs(limit: Int = 10_000) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT events FROM outbox ORDER BY created_at DESC LIMIT ?", arguments: [limit]).flatMap { text in
                ((try? JSONDecoder().decode([Event].self, from: Data(text.utf8))) ?? []).map(\.id)
            }
        }
    }

    /// Records that stored replies reached at least one relay, in one transaction.
    public func markPublished(messageIDs: [String], at: Int64) throws {
        try database.writeInCachedTransaction { db in
            let statement = try db.cachedStatement(sql: "UPDATE outbox SET published_at = ? WHERE message_id = ?")
            for id in messageIDs { try statement.execute(arguments: [at, id]) }
        }
    }

    /// The persisted resume cursors.
    public func cursor() throws -> InboxCursor {
        try database.read { db in
            var cursor = InboxCursor()
            for row in try Row.fetchAll(db, sql: "SELECT scheme, created_at FROM inbox_cursor") {
                let scheme: String = row["scheme"]
                let value: Int64 = row["created_at"]
                if scheme == "nip04" { cursor.nip04 = value } else if scheme == "nip17" { cursor.nip17 = value }
            }
            return cursor
        }
    }

    /// Deletes records whose message time is older than `before`; returns how many.
    @discardableResult
    public func prune(before: Int64) throws -> Int {
        let deleted = try database.write { db in
            try db.execute(sql: "DELETE FROM inbox_seen WHERE message_time < ?", arguments: [before])
            return db.changesCount
        }
        if deleted > 0 { try loadMemory() }
        return deleted
    }
}
