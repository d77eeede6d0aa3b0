import GatePostgres
import Logging
import NostrCore
import PostgresNIO

/// The webhook bridge's records shared by every instance on the ledger's PostgreSQL database (tables created by
/// `PostgresLedger.migrate()`): a delivery stored by any instance is fanned out by exactly one (the one whose
/// `UPDATE … WHERE NOT fanned_out` wins), and a batch of lines is sent in one DM by exactly one (the one that deletes
/// all of its lines; another finding some already gone rolls back and stores nothing). A stored notice goes into
/// `inbox_message` like a stored answer, so another instance publishes it when this one stops first, and into the
/// local outbox for this instance's publisher.
public final class PostgresNoticeStore: NoticeStore {
    private let client: PostgresClient
    private let instance: String
    private let local: InboxStore
    private let logger: Logger

    public init(ledger: PostgresLedger, local: InboxStore) {
        (client, instance, self.local, logger) = (ledger.client, ledger.instance, local, ledger.logger)
    }

    private struct SomeoneElseWasFirst: Error {}

    public func storeDelivery(_ delivery: WebhookDelivery) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO webhook_delivery (id, event, event_type, body, received_at)
            VALUES (\(delivery.id), \(delivery.event), \(delivery.eventType), \(delivery.body), \(delivery.receivedAt))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func deliveriesToFanOut(limit: Int) async throws -> [WebhookDelivery] {
        let rows = try await client.query(
            "SELECT id, event, event_type, body, received_at FROM webhook_delivery WHERE NOT fanned_out ORDER BY received_at LIMIT \(limit)",
            logger: logger)
        var found: [WebhookDelivery] = []
        for try await (id, event, type, body, at) in rows.decode((String, String, String, String, Int64).self) {
            found.append(WebhookDelivery(id: id, event: event, eventType: type, body: body, receivedAt: at))
        }
        return found
    }

    public func fanOut(
        deliveryID: String, notices: [(operator: String, repo: String, line: String)], assignees: (repo: String, number: Int, logins: [String])?,
        now: Int64
    ) async throws -> Bool {
        let logger = self.logger
        do {
            try await client.withTransaction(logger: logger) { connection in
                let won = try await connection.query(
                    "UPDATE webhook_delivery SET fanned_out = true WHERE id = \(deliveryID) AND NOT fanned_out RETURNING id", logger: logger)
                var claimed = false
                for try await _ in won.decode(String.self) { claimed = true }
                guard claimed else { throw SomeoneElseWasFirst() }
                for notice in notices {
                    try await connection.query(
                        """
                        INSERT INTO notice_queue (delivery_id, operator, repo, line, created_at)
                        VALUES (\(deliveryID), \(notice.operator), \(notice.repo), \(notice.line), \(now)) ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
                if let assignees {
                    try await connection.query(
                        """
                        INSERT INTO issue_assignees (repo, number, assignees) VALUES (\(assignees.repo.lowercased()), \(assignees.number), \(assignees.logins.joined(separator: " ")))
                        ON CONFLICT (repo, number) DO UPDATE SET assignees = excluded.assignees
                        """, logger: logger)
                }
            }
            return true
        } catch is SomeoneElseWasFirst {
            return false
        }
    }

    public func queuedNotices() async throws -> [NoticeBatch] {
        var last: [String: Int64] = [:]
        for try await (op, repo, at) in try await client.query("SELECT operator, repo, sent_at FROM notice_last", logger: logger)
            .decode((String, String, Int64).self)
        {
            last[op + " " + repo] = at
        }
        var batches: [String: NoticeBatch] = [:]
        var order: [String] = []
        let rows = try await client.query(
            "SELECT delivery_id, operator, repo, line, created_at FROM notice_queue ORDER BY created_at, delivery_id", logger: logger)
        for try await (delivery, op, repo, line, at) in rows.decode((String, String, String, String, Int64).self) {
            let id = op + " " + repo
            if batches[id] == nil {
                batches[id] = NoticeBatch(recipient: op, repo: repo, lastSentAt: last[id], items: [])
                order.append(id)
            }
            batches[id]?.items.append(.init(deliveryID: delivery, line: line, createdAt: at))
        }
        return order.compactMap { batches[$0] }
    }

    public func storeNotice(id: String, events: [Event], batch: NoticeBatch, now: Int64) async throws -> Bool {
        let (logger, instance) = (self.logger, self.instance)
        do {
            try await client.withTransaction(logger: logger) { connection in
                var removed = 0
                for item in batch.items {
                    let rows = try await connection.query(
                        "DELETE FROM notice_queue WHERE delivery_id = \(item.deliveryID) AND operator = \(batch.recipient) RETURNING delivery_id",
                        logger: logger)
                    for try await _ in rows.decode(String.self) { removed += 1 }
                }
                guard removed == batch.items.count else { throw SomeoneElseWasFirst() }
                if !events.isEmpty {
                    let reply = events.map(\.jsonString).joined(separator: "\n")
                    try await connection.query(
                        """
                        INSERT INTO inbox_message (message_id, carrier_id, event, instance_id, lease_until, state, claimed_at, completed_at, reply)
                        VALUES (\(id), \(id), '', \(instance), 0, 'done', \(now), \(now), \(reply)) ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO notice_last (operator, repo, sent_at) VALUES (\(batch.recipient), \(batch.repo), \(now))
                    ON CONFLICT (operator, repo) DO UPDATE SET sent_at = excluded.sent_at
                    """, logger: logger)
            }
        } catch is SomeoneElseWasFirst {
            return false
        }
        if !events.isEmpty { try local.storeOutboxCopy(id: id, events: events, now: now) }
        return true
    }

    public func lastAssignees(repo: String, number: Int) async throws -> [String]? {
        let rows = try await client.query(
            "SELECT assignees FROM issue_assignees WHERE repo = \(repo.lowercased()) AND number = \(number)", logger: logger)
        for try await text in rows.decode(String.self) { return text.split(separator: " ").map(String.init) }
        return nil
    }

    public func setSubscription(operator op: String, repo: String, kinds: [WatchKind], watch: Bool) async throws {
        for kind in kinds {
            if watch {
                try await client.query(
                    "INSERT INTO subscription (operator, repo, kind) VALUES (\(op), \(repo.lowercased()), \(kind.rawValue)) ON CONFLICT DO NOTHING",
                    logger: logger)
            } else {
                try await client.query(
                    "DELETE FROM subscription WHERE operator = \(op) AND repo = \(repo.lowercased()) AND kind = \(kind.rawValue)", logger: logger)
            }
        }
    }

    public func subscriptions(operator op: String) async throws -> [String: Set<WatchKind>] {
        var result: [String: Set<WatchKind>] = [:]
        for try await (repo, kind) in try await client.query("SELECT repo, kind FROM subscription WHERE operator = \(op)", logger: logger)
            .decode((String, String).self)
        {
            if let kind = WatchKind(rawValue: kind) { result[repo, default: []].insert(kind) }
        }
        return result
    }

    public func watchers(repo: String, kind: WatchKind) async throws -> [String] {
        var found: [String] = []
        let rows = try await client.query(
            "SELECT operator FROM subscription WHERE repo = \(repo.lowercased()) AND kind = \(kind.rawValue)", logger: logger)
        for try await op in rows.decode(String.self) { found.append(op) }
        return found
    }

    public func noteScheme(operator op: String, scheme: DirectMessage.Scheme) async throws {
        try await client.query(
            """
            INSERT INTO operator_scheme (operator, scheme) VALUES (\(op), \(scheme.rawValue))
            ON CONFLICT (operator) DO UPDATE SET scheme = excluded.scheme
            """, logger: logger)
    }

    public func scheme(operator op: String) async throws -> DirectMessage.Scheme? {
        for try await text in try await client.query("SELECT scheme FROM operator_scheme WHERE operator = \(op)", logger: logger).decode(String.self)
        {
            return DirectMessage.Scheme(rawValue: text)
        }
        return nil
    }

    public func lastDeliveryTime() async throws -> Int64? {
        for try await value in try await client.query("SELECT max(received_at) FROM webhook_delivery", logger: logger).decode(Int64?.self) {
            return value
        }
        return nil
    }
}
