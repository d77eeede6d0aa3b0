import Foundation
import Gate
import Logging
import PostgresNIO

/// The shared ledger: PostgreSQL through postgres-nio, for several operator-gate instances on one database.
///
/// A claim is one transaction holding a per-key advisory lock (`pg_advisory_xact_lock`): the reads that
/// ``ClaimRule`` needs and the insert happen under it, so two instances claiming the same command (or the same
/// event) serialize and exactly one executes; `origin_event_id` is also unique, as in SQLite. Each claim is stamped
/// with the claiming instance and a lease deadline (``leaseDuration`` seconds ahead), renewed while the command
/// runs (``renewLease(id:now:)``); an instance takes over a claim only when it is its own or the lease has expired
/// (``takeOver(_:now:)``, one atomic `UPDATE`), and then reconciles it by probing Gitea like after a crash.
///
/// The client's connection pool must run for as long as the ledger is used: ``run()`` (a `Service`: put it
/// before the bot in the `ServiceGroup`, so it shuts down after the bot has finished its last command).
public final class PostgresLedger: Ledger {
    /// The schema version this build writes; `doctor` compares it with the database's.
    public static let schemaVersion = 1

    public let client: PostgresClient
    /// This instance's name in claims (stable across restarts, so an instance reclaims its own claims at once).
    public let instance: String
    public let leaseDuration: Int64?
    /// The logger the ledger and the shared inbox on its client log to.
    public let logger: Logger

    /// One connection's settings for ``checkConnection()``, when the ledger was made from a URL.
    private let connectionCheck: PostgresConnection.Configuration?

    public init(
        configuration: PostgresClient.Configuration, instance: String, lease: Int64 = 30, logger: Logger,
        connectionCheck: PostgresConnection.Configuration? = nil
    ) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.instance = instance
        self.leaseDuration = lease
        self.logger = logger
        self.connectionCheck = connectionCheck
    }

    /// The ledger at `url` (see ``configuration(url:password:)``); ``migrate()`` first checks that one connection
    /// can be opened.
    public convenience init(url: String, password: String?, instance: String, lease: Int64 = 30, logger: Logger) throws(PostgresLedgerError) {
        self.init(
            configuration: try Self.configuration(url: url, password: password), instance: instance, lease: lease, logger: logger,
            connectionCheck: try Self.connectionConfiguration(url: url, password: password))
    }

    /// Opens one connection outside the pool and closes it. A server that turns the connection down for good
    /// (no TLS under `sslmode=require`, a wrong password or user, an unknown database) fails here at once with
    /// ``PostgresLedgerError/refused(_:)`` and the reason, where the pool keeps retrying until its circuit
    /// breaker trips (a query was still waiting after 15 s). Other errors (the server not up yet) are thrown as
    /// they are: worth a retry.
    public func checkConnection() async throws {
        guard let connectionCheck else { return }
        let connection: PostgresConnection
        do { connection = try await PostgresConnection.connect(configuration: connectionCheck, id: 0, logger: logger) } catch let error as PSQLError {
            if let reason = Self.permanentRefusal(error) { throw PostgresLedgerError.refused(reason) }
            throw error
        }
        try? await connection.close()
    }

    /// Why `error` will not go away by retrying, or nil when it might.
    static func permanentRefusal(_ error: PSQLError) -> String? {
        if error.code == .sslUnsupported { return "the server does not offer TLS, and the ledger URL says sslmode=require" }
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return nil }
        let message = error.serverInfo?[.message] ?? "no message"
        // Class 28: invalid authorization (wrong password, unknown user); 3D000: the database does not exist.
        if state.hasPrefix("28") || state == "3D000" { return "\(message) (SQLSTATE \(state))" }
        return nil
    }

    /// Runs the connection pool until cancelled (or graceful shutdown).
    public func run() async {
        await client.run()
    }

    /// Creates or upgrades the tables, under an advisory lock so instances starting together do it once.
    public func migrate() async throws {
        try await checkConnection()
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7460221)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS operator_gate_schema (version INT NOT NULL)
                """, logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS ledger (
                    id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL, origin_event_id TEXT UNIQUE, action TEXT NOT NULL,
                    repository TEXT NOT NULL, command TEXT NOT NULL, state TEXT NOT NULL, claimed_at BIGINT NOT NULL,
                    completed_at BIGINT, result TEXT, error TEXT, instance_id TEXT, lease_until BIGINT)
                """, logger: logger)
            // Added after schema 1 without changing it: older builds ignore the column.
            try await connection.query("ALTER TABLE ledger ADD COLUMN IF NOT EXISTS baseline TEXT", logger: logger)
            try await connection.query("CREATE INDEX IF NOT EXISTS ledger_by_key ON ledger (key, id)", logger: logger)
            try await connection.query("CREATE INDEX IF NOT EXISTS ledger_claimed ON ledger (state) WHERE state = 'claimed'", logger: logger)
            // The bot's shared inbox (PostgresInbox): who answers which message, the stored replies, resume cursors.
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS inbox_message (
                    message_id TEXT PRIMARY KEY, carrier_id TEXT NOT NULL, event TEXT NOT NULL, instance_id TEXT NOT NULL,
                    lease_until BIGINT NOT NULL, state TEXT NOT NULL, claimed_at BIGINT NOT NULL, completed_at BIGINT,
                    reply TEXT, published BOOLEAN NOT NULL DEFAULT false)
                """, logger: logger)
            try await connection.query(
                "CREATE INDEX IF NOT EXISTS inbox_message_open ON inbox_message (lease_until) WHERE state = 'claimed'",
                logger: logger)
            try await connection.query(
                """
                CREATE INDEX IF NOT EXISTS inbox_message_unpublished ON inbox_message (completed_at) WHERE state = 'done' AND NOT published
                """, logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS inbox_cursor (scheme TEXT PRIMARY KEY, message_time BIGINT NOT NULL)",
                logger: logger)
            // The webhook bridge (the bot's PostgresNoticeStore): deliveries, queued notice lines, digests' last times,
            // subscriptions, assignees last seen, operators' schemes. Added without a schema version change.
            for table in [
                "webhook_delivery (id TEXT PRIMARY KEY, event TEXT NOT NULL, event_type TEXT NOT NULL, body TEXT NOT NULL, received_at BIGINT NOT NULL, fanned_out BOOLEAN NOT NULL DEFAULT false)",
                "notice_queue (delivery_id TEXT NOT NULL, operator TEXT NOT NULL, repo TEXT NOT NULL, line TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (delivery_id, operator))",
                "notice_last (operator TEXT NOT NULL, repo TEXT NOT NULL, sent_at BIGINT NOT NULL, PRIMARY KEY (operator, repo))",
                "subscription (operator TEXT NOT NULL, repo TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (operator, repo, kind))",
                "issue_assignees (repo TEXT NOT NULL, number BIGINT NOT NULL, assignees TEXT NOT NULL, PRIMARY KEY (repo, number))",
                "operator_scheme (operator TEXT PRIMARY KEY, scheme TEXT NOT NULL)"
            ] {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS " + table), logger: logger)
            }
            // Commands waiting for their operator's `yes` (PendingConfirmation); added without a schema version change.
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS confirmation (
                    code TEXT PRIMARY KEY, source TEXT NOT NULL, command TEXT NOT NULL, snapshot TEXT NOT NULL,
                    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, state TEXT NOT NULL, settled_at BIGINT)
                """, logger: logger)
            let rows = try await connection.query("SELECT version FROM operator_gate_schema", logger: logger)
            var versions: [Int] = []
            for try await version in rows.decode(Int.self) { versions.append(version) }
            if versions.isEmpty {
                try await connection.query("INSERT INTO operator_gate_schema (version) VALUES (\(Self.schemaVersion))", logger: logger)
            } else if let newest = versions.max(), newest > Self.schemaVersion {
                throw PostgresLedgerError.schemaTooNew(found: newest, supported: Self.schemaVersion)
            }
        }
    }

    /// The schema version recorded in the database (`nil` before the first migration).
    public func storedSchemaVersion() async throws -> Int? {
        let exists = try await client.query("SELECT to_regclass('operator_gate_schema') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return nil }
        var found: Int?
        for try await version in try await client.query("SELECT max(version) FROM operator_gate_schema", logger: logger).decode(Int?.self) {
            found = version
        }
        return found
    }

    private static let columns = "id, key, origin_event_id, action, repository, command, state, claimed_at, completed_at, result, error"
    private typealias Columns = (Int64, String, String?, String, String, String, String, Int64, Int64?, String?, String?)

    private static func entry(_ row: Columns) throws -> LedgerEntry {
        guard let action = GateAction(rawValue: row.3), let state = LedgerEntry.State(rawValue: row.6) else {
            throw PostgresLedgerError.corruptRow(id: row.0)
        }
        return LedgerEntry(
            id: row.0, key: IdempotencyKey(hex: row.1), originEventID: row.2, action: action, repository: row.4,
            command: row.5, state: state, claimedAt: row.7, completedAt: row.8, result: row.9, error: row.10)
    }

    private static func entries(_ rows: PostgresRowSequence) async throws -> [LedgerEntry] {
        var found: [LedgerEntry] = []
        for try await row in rows.decode(Columns.self) { found.append(try entry(row)) }
        return found
    }

    public func claim(key: IdempotencyKey, command: Command, now: Int64, window: Int64) async throws -> ClaimOutcome {
        let json = command.jsonString
        let origin = command.origin?.eventID
        let lease = now + (leaseDuration ?? 30)
        let instance = self.instance
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            // One lock per key; the origin is unique by index (an insert racing on it fails and is retried by nobody:
            // the same event under two keys cannot happen, the key is derived from the command the event carries).
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(key.hex), 0))", logger: logger)
            var byOrigin: LedgerEntry?
            if let origin {
                byOrigin = try await Self.entries(
                    connection.query(
                        "SELECT \(unescaped: Self.columns) FROM ledger WHERE origin_event_id = \(origin)", logger: logger)
                ).first
            }
            let latest = try await Self.entries(
                connection.query(
                    "SELECT \(unescaped: Self.columns) FROM ledger WHERE key = \(key.hex) ORDER BY id DESC LIMIT 1", logger: logger)
            ).first
            switch ClaimRule.decide(byOrigin: byOrigin, latestWithKey: latest, again: command.again, now: now, window: window) {
            case .originSeen(let entry): return .originSeen(entry)
            case .duplicate(let entry): return .duplicate(entry)
            case .execute:
                let inserted = try await connection.query(
                    """
                    INSERT INTO ledger (key, origin_event_id, action, repository, command, state, claimed_at, instance_id, lease_until)
                    VALUES (\(key.hex), \(origin), \(command.action.rawValue), \(command.repository.description), \(json), 'claimed',
                            \(now), \(instance), \(lease))
                    RETURNING id
                    """, logger: logger)
                var id: Int64 = 0
                for try await value in inserted.decode(Int64.self) { id = value }
                return .claimed(
                    LedgerEntry(
                        id: id, key: key, originEventID: origin, action: command.action,
                        repository: command.repository.description, command: json, state: .claimed, claimedAt: now,
                        completedAt: nil, result: nil, error: nil))
            }
        }
    }

    public func complete(id: Int64, result: String, at: Int64) async throws {
        // Only a claim is completed: an instance that wakes up after another reconciled its claim changes nothing.
        try await client.query(
            "UPDATE ledger SET state = 'done', result = \(result), completed_at = \(at) WHERE id = \(id) AND state = 'claimed'",
            logger: logger)
    }

    public func fail(id: Int64, error: String, at: Int64) async throws {
        try await client.query(
            "UPDATE ledger SET state = 'failed', error = \(error), completed_at = \(at) WHERE id = \(id) AND state = 'claimed'",
            logger: logger)
    }

    public func recordBaseline(id: Int64, value: String) async throws {
        try await client.query("UPDATE ledger SET baseline = \(value) WHERE id = \(id) AND state = 'claimed'", logger: logger)
    }

    public func baseline(id: Int64) async throws -> String? {
        let rows = try await client.query("SELECT baseline FROM ledger WHERE id = \(id)", logger: logger)
        for try await value in rows.decode(String?.self) { return value }
        return nil
    }

    public func renewLease(id: Int64, now: Int64) async throws -> Bool {
        let until = now + (leaseDuration ?? 30)
        let rows = try await client.query(
            """
            UPDATE ledger SET lease_until = \(until)
            WHERE id = \(id) AND state = 'claimed' AND instance_id = \(instance) RETURNING id
            """, logger: logger)
        var renewed = false
        for try await _ in rows.decode(Int64.self) { renewed = true }
        return renewed
    }

    public func takeOver(_ entry: LedgerEntry, now: Int64) async throws -> Bool {
        let until = now + (leaseDuration ?? 30)
        let rows = try await client.query(
            """
            UPDATE ledger SET instance_id = \(instance), lease_until = \(until)
            WHERE id = \(entry.id) AND state = 'claimed' AND (instance_id = \(instance) OR lease_until IS NULL OR lease_until < \(now))
            RETURNING id
            """, logger: logger)
        var taken = false
        for try await _ in rows.decode(Int64.self) { taken = true }
        if taken { logger.notice("took over a ledger claim", metadata: ["key": "\(entry.key.short)", "instance": "\(instance)"]) }
        return taken
    }

    public func latest(key: IdempotencyKey) async throws -> LedgerEntry? {
        try await Self.entries(
            client.query(
                "SELECT \(unescaped: Self.columns) FROM ledger WHERE key = \(key.hex) ORDER BY id DESC LIMIT 1", logger: logger)
        ).first
    }

    public func entry(originEventID: String) async throws -> LedgerEntry? {
        try await Self.entries(
            client.query(
                "SELECT \(unescaped: Self.columns) FROM ledger WHERE origin_event_id = \(originEventID)", logger: logger)
        ).first
    }

    public func entries(keyPrefix: String, limit: Int) async throws -> [LedgerEntry] {
        let prefix = keyPrefix.lowercased().filter(\.isHexDigit)
        return try await Self.entries(
            client.query(
                """
                SELECT \(unescaped: Self.columns) FROM ledger WHERE key >= \(prefix) AND key < \(prefix + "g") ORDER BY id DESC LIMIT \(limit)
                """, logger: logger))
    }

    public func entries(state: LedgerEntry.State?, since: Int64?, operatorName: String?, limit: Int) async throws -> [LedgerEntry] {
        // The operator is read from the stored command JSON (audit trail), as SQLite's json_extract does.
        try await Self.entries(
            client.query(
                """
                SELECT \(unescaped: Self.columns) FROM ledger
                WHERE (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)) AND (\(since)::bigint IS NULL OR claimed_at >= \(since))
                AND (\(operatorName)::text IS NULL OR command::jsonb ->> 'operator' = \(operatorName))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: logger))
    }

    public func insertConfirmation(_ confirmation: PendingConfirmation, now: Int64) async throws -> Bool {
        try await client.query("DELETE FROM confirmation WHERE expires_at < \(now - 7 * 86_400)", logger: logger)
        let rows = try await client.query(
            """
            INSERT INTO confirmation (code, source, command, snapshot, created_at, expires_at, state)
            VALUES (\(confirmation.code), \(confirmation.source), \(confirmation.command), \(confirmation.snapshot),
                    \(confirmation.createdAt), \(confirmation.expiresAt), \(confirmation.state.rawValue))
            ON CONFLICT (code) DO NOTHING RETURNING code
            """, logger: logger)
        var inserted = false
        for try await _ in rows.decode(String.self) { inserted = true }
        return inserted
    }

    public func confirmation(code: String) async throws -> PendingConfirmation? {
        let rows = try await client.query(
            "SELECT code, source, command, snapshot, created_at, expires_at, state FROM confirmation WHERE code = \(code)", logger: logger)
        for try await (code, source, command, snapshot, created, expires, state) in rows.decode(
            (String, String, String, String, Int64, Int64, String).self)
        {
            return PendingConfirmation(
                code: code, source: source, command: command, snapshot: snapshot, createdAt: created, expiresAt: expires,
                state: PendingConfirmation.State(rawValue: state) ?? .stale)
        }
        return nil
    }

    public func settleConfirmation(code: String, to state: PendingConfirmation.State, at: Int64) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE confirmation SET state = \(state.rawValue), settled_at = \(at) WHERE code = \(code) AND state = 'pending' RETURNING code",
            logger: logger)
        var settled = false
        for try await _ in rows.decode(String.self) { settled = true }
        return settled
    }

    /// Claimed entries that are this instance's or whose lease has expired, oldest first.
    public func claimedEntries(now: Int64) async throws -> [LedgerEntry] {
        try await Self.entries(
            client.query(
                """
                SELECT \(unescaped: Self.columns) FROM ledger
                WHERE state = 'claimed' AND (instance_id = \(instance) OR lease_until IS NULL OR lease_until < \(now)) ORDER BY id
                """, logger: logger))
    }

    public func count() async throws -> Int {
        var total = 0
        for try await value in try await client.query("SELECT count(*) FROM ledger", logger: logger).decode(Int.self) { total = value }
        return total
    }

    public func isWritable() async -> Bool {
        do {
            // A standby (in recovery) takes no writes.
            return try await !client.query("SELECT pg_is_in_recovery()", logger: logger).decode(Bool.self).reduce(false) { $0 || $1 }
        } catch {
            return false
        }
    }

    /// Deletes every entry (tests and benchmarks on a scratch database only).
    public func removeAll() async throws {
        try await client.query("TRUNCATE ledger", logger: logger)
    }
}
