import Foundation
import GRDB
import NostrCore

/// The two-way bridge's records, in the inbox's database beside the outbox, so that a notice is stored with the
/// mark of what it covers in one transaction (as answers are):
/// - `webhook_delivery`: every verified delivery, stored before Gitea gets its 200; `fanned_out` once turned into
///   notices.
/// - `notice_queue`: one line per delivery × operator, until a DM carries it.
/// - `notice_last`: when each operator last got a notice about each repository (digests).
/// - `subscription`: what each operator watches.
/// - `operator_scheme`: the scheme (NIP-04 or NIP-17) each operator last wrote in.
extension InboxStore {
    static func createWebhookTables(_ db: Database) throws {
        try db.create(table: "webhook_delivery") { table in
            table.primaryKey("id", .text)
            table.column("event", .text).notNull()
            table.column("event_type", .text).notNull()
            table.column("body", .text).notNull()
            table.column("received_at", .integer).notNull()
            table.column("fanned_out", .boolean).notNull().defaults(to: false)
        }
        try db.create(index: "webhook_delivery_open", on: "webhook_delivery", columns: ["received_at"], condition: Column("fanned_out") == false)
        try db.create(table: "notice_queue") { table in
            table.column("delivery_id", .text).notNull()
            table.column("operator", .text).notNull()
            table.column("repo", .text).notNull()
            table.column("line", .text).notNull()
            table.column("created_at", .integer).notNull()
            table.primaryKey(["delivery_id", "operator"])
        }
        try db.create(table: "notice_last") { table in
            table.column("operator", .text).notNull()
            table.column("repo", .text).notNull()
            table.column("sent_at", .integer).notNull()
            table.primaryKey(["operator", "repo"])
        }
        try db.create(table: "subscription") { table in
            table.column("operator", .text).notNull()
            table.column("repo", .text).notNull()
            table.column("kind", .text).notNull()
            table.primaryKey(["operator", "repo", "kind"])
        }
        try db.create(table: "issue_assignees") { table in
            table.column("repo", .text).notNull()
            table.column("number", .integer).notNull()
            table.column("assignees", .text).notNull()
            table.primaryKey(["repo", "number"])
        }
        try db.create(table: "operator_scheme") { table in
            table.primaryKey("operator", .text)
            table.column("scheme", .text).notNull()
        }
    }

    /// Stores a verified delivery; `false` when its id was stored before (a redelivery changes nothing).
    public func storeDelivery(_ delivery: WebhookDelivery) throws -> Bool {
        try database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO webhook_delivery (id, event, event_type, body, received_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [delivery.id, delivery.event, delivery.eventType, delivery.body, delivery.receivedAt])
            return db.changesCount > 0
        }
    }

    /// When the newest delivery arrived (`doctor`); `nil` before the first.
    public func lastDeliveryTime() throws -> Int64? {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT max(received_at) FROM webhook_delivery") }
    }

    /// Deliveries not yet turned into notices, oldest first.
    public func deliveriesToFanOut(limit: Int = 500) throws -> [WebhookDelivery] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, event, event_type, body, received_at FROM webhook_delivery WHERE NOT fanned_out ORDER BY received_at LIMIT ?",
                arguments: [limit]
            ).map { WebhookDelivery(id: $0[0], event: $0[1], eventType: $0[2], body: $0[3], receivedAt: $0[4]) }
        }
    }

    /// The assignees the bot last saw on an issue or pull request (`nil`: never saw it).
    public func lastAssignees(repo: String, number: Int) throws -> [String]? {
        try database.read { db in
            try String.fetchOne(
                db, sql: "SELECT assignees FROM issue_assignees WHERE repo = ? AND number = ?", arguments: [repo.lowercased(), number]
            )
            .map { $0.split(separator: " ").map(String.init) }
        }
    }

    /// Queues a delivery's notices (operator hex key, repository, line) and marks it fanned out, with the assignees
    /// it shows (the next `assigned` is compared with them), in one transaction.
    @discardableResult
    public func fanOut(
        deliveryID: String, notices: [(operator: String, repo: String, line: String)],
        assignees: (repo: String, number: Int, logins: [String])? = nil,
        now: Int64
    ) throws -> Bool {
        try database.write { db in
            if let assignees {
                try db.execute(
                    sql:
                        "INSERT INTO issue_assignees (repo, number, assignees) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET assignees = excluded.assignees",
                    arguments: [assignees.repo.lowercased(), assignees.number, assignees.logins.joined(separator: " ")])
            }
            for notice in notices {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO notice_queue (delivery_id, operator, repo, line, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [deliveryID, notice.operator, notice.repo, notice.line, now])
            }
            try db.execute(sql: "UPDATE webhook_delivery SET fanned_out = 1 WHERE id = ?", arguments: [deliveryID])
            return true
        }
    }

    /// Lines waiting for a DM, by operator and repository, oldest first, with when each pair last got one.
    public func queuedNotices() throws -> [NoticeBatch] {
        try database.read { db in
            let last = Dictionary(
                try Row.fetchAll(db, sql: "SELECT operator, repo, sent_at FROM notice_last").map {
                    (($0[0] as String) + " " + ($0[1] as String), $0[2] as Int64)
                },
                uniquingKeysWith: { first, _ in first })
            var batches: [String: NoticeBatch] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT delivery_id, operator, repo, line, created_at FROM notice_queue ORDER BY created_at, rowid")
            {
                let (op, repo): (String, String) = (row[1], row[2])
                let id = op + " " + repo
                batches[id, default: NoticeBatch(recipient: op, repo: repo, lastSentAt: last[id], items: [])].items.append(
                    .init(deliveryID: row[0], line: row[3], createdAt: row[4]))
            }
            return batches.values.sorted { ($0.items.first?.createdAt ?? 0) < ($1.items.first?.createdAt ?? 0) }
        }
    }

    /// Stores a notice DM (under `id` in the outbox) and removes the lines it carries, in one transaction.
    @discardableResult
    public func storeNotice(id: String, events: [Event], batch: NoticeBatch, now: Int64) throws -> Bool {
        try database.write { db in
            if !events.isEmpty { try Self.insertOutbox(db, id: id, events: events, now: now) }
            for item in batch.items {
                try db.execute(
                    sql: "DELETE FROM notice_queue WHERE delivery_id = ? AND operator = ?", arguments: [item.deliveryID, batch.recipient])
            }
            try db.execute(
                sql: "INSERT INTO notice_last (operator, repo, sent_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET sent_at = excluded.sent_at",
                arguments: [batch.recipient, batch.repo, now])
            return true
        }
    }

    /// A notice another store recorded (the shared one): a copy in this outbox, for this instance's publisher.
    public func storeOutboxCopy(id: String, events: [Event], now: Int64) throws {
        try database.write { db in try Self.insertOutbox(db, id: id, events: events, now: now) }
    }

    // MARK: Subscriptions

    /// Adds (`watch`) or removes kinds an operator watches on a repository (lowercased `owner/name`).
    public func setSubscription(operator op: String, repo: String, kinds: [WatchKind], watch: Bool) throws {
        try database.write { db in
            for kind in kinds {
                try db.execute(
                    sql: watch
                        ? "INSERT OR IGNORE INTO subscription (operator, repo, kind) VALUES (?, ?, ?)"
                        : "DELETE FROM subscription WHERE operator = ? AND repo = ? AND kind = ?",
                    arguments: [op, repo.lowercased(), kind.rawValue])
            }
        }
    }

    /// What an operator watches: repository → kinds.
    public func subscriptions(operator op: String) throws -> [String: Set<WatchKind>] {
        try database.read { db in
            var result: [String: Set<WatchKind>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT repo, kind FROM subscription WHERE operator = ?", arguments: [op]) {
                if let kind = WatchKind(rawValue: row[1]) { result[row[0], default: []].insert(kind) }
            }
            return result
        }
    }

    /// The operators (hex keys) watching `kind` on `repo`.
    public func watchers(repo: String, kind: WatchKind) throws -> [String] {
        try database.read { db in
            try String.fetchAll(
                db, sql: "SELECT operator FROM subscription WHERE repo = ? AND kind = ?", arguments: [repo.lowercased(), kind.rawValue])
        }
    }

    /// Records the scheme an operator wrote in (notices follow it).
    public func noteScheme(operator op: String, scheme: DirectMessage.Scheme) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO operator_scheme (operator, scheme) VALUES (?, ?) ON CONFLICT DO UPDATE SET scheme = excluded.scheme",
                arguments: [op, scheme.rawValue])
        }
    }

    /// The scheme an operator last wrote in; `nil` before their first DM.
    public func scheme(operator op: String) throws -> DirectMessage.Scheme? {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT scheme FROM operator_scheme WHERE operator = ?", arguments: [op]).flatMap(DirectMessage.Scheme.init)
        }
    }
}

/// Lines waiting for one operator about one repository.
public struct NoticeBatch: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public let deliveryID: String
        public let line: String
        public let createdAt: Int64
    }
    /// The operator's hex key.
    public let recipient: String
    public let repo: String
    /// When the last notice about this repository went to this operator.
    public let lastSentAt: Int64?
    public var items: [Item]
}
