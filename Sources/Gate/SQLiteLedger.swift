import Foundation
import GRDB

/// The embedded ledger: SQLite through GRDB, in WAL mode.
///
/// Claims run in `BEGIN IMMEDIATE` transactions, so concurrent claims of the same command (tasks or processes
/// sharing the file) serialize and exactly one executes. Concurrent claims and completions share commits
/// (``WriteBatcher``); each returns only once its transaction committed. With the default `synchronous=NORMAL` in WAL mode a
/// committed claim survives a process crash (SIGKILL); `durability: .full` also survives power loss at the
/// price of an fsync per commit.
///
/// Claims carry an owner and a lease, as the shared ledger's do: the process executing a command renews its lease
/// while the command runs, and any process (a restarted `run`, `gate exec` of the same command, the bot's periodic
/// reconciler) may take over a claim whose lease ran out or whose process is gone, probe Gitea, and finish it,
/// instead of refusing it as "in progress" until the next restart.
public final class SQLiteLedger: Ledger {
    public enum Durability: Sendable {
        /// Survives process crashes.
        case normal
        /// Also survives power loss (fsync on every commit).
        case full
    }

    let database: DatabasePool
    private let batcher: WriteBatcher
    /// A connection of its own for checkpoints, so they run beside commits instead of inside them.
    private let checkpointer: WALCheckpointer
    /// Who claims here: this process (``LedgerOwner/currentProcess``, `host:pid`), so that a claim left by a
    /// process that died is taken over at once and one held by a live process (a running `gate exec`) is not.
    public let owner: String
    public let leaseDuration: Int64?
    /// Its writes go through ``WriteBatcher``, which never looks at cancellation (a commit holds other tasks' writes
    /// too): a completion submitted by a cancelled task commits like any other.
    public var recordsDespiteCancellation: Bool { true }

    /// Opens or creates the ledger at `path` and migrates it.
    /// - Parameters:
    ///   - owner: the name written into claims (default: this process, `host:pid`).
    ///   - lease: seconds a claim stays its owner's without renewal.
    public init(path: String, durability: Durability = .normal, owner: String? = nil, lease: Int64 = 30) throws {
        self.owner = owner ?? LedgerOwner.currentProcess
        self.leaseDuration = max(1, lease)
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            // SQLite's automatic checkpoint runs inside the commit that crosses the threshold and was the larger
            // part of a commit's cost with a big ledger. ``maintain()`` checkpoints from its own connection
            // instead; this high threshold is the backstop when nobody runs it.
            try WALCheckpointer.raiseBackstop(on: db)
            // Readers are opened read-only; the writer claims and completes (``SQLitePageCache``).
            try SQLitePageCache.apply(
                to: db,
                kibibytes: db.configuration.readonly ? SQLitePageCache.kibibytesPerConnection : SQLitePageCache.kibibytesOfLedgerWriter)
        }
        database = try DatabasePool(path: path, configuration: configuration)
        let upgrading = try database.read { db in try !Self.migrator.hasCompletedMigrations(db) }
        try Self.migrator.migrate(database)
        batcher = WriteBatcher(database: database, commitsInline: durability == .normal)
        checkpointer = try WALCheckpointer(path: path)
        // A migration that rebuilt the table (ledger-v5-rowid: ~15 s and a log the size of the file at 1M entries)
        // leaves the copy in the write-ahead log: move it to the file and give the log's space back.
        if upgrading { try? checkpoint() }
    }

    /// Checkpoints the write-ahead log as ``WALCheckpointer`` does (beside commits, once they pause for `interval`
    /// or after 500 writes) until the task is cancelled. The bot runs it for as long as it runs; short-lived tools
    /// need not (SQLite's own checkpoint at 16,384 pages is the backstop).
    public func maintain(interval: Duration = .milliseconds(200)) async {
        await checkpointer.run(after: batcher, quiet: interval)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("ledger-v1") { db in
            try db.create(table: "ledger") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("key", .text).notNull()
                table.column("origin_event_id", .text).unique()
                table.column("action", .text).notNull()
                table.column("repository", .text).notNull()
                table.column("command", .text).notNull()
                table.column("state", .text).notNull()
                table.column("claimed_at", .integer).notNull()
                table.column("completed_at", .integer)
                table.column("result", .text)
                table.column("error", .text)
            }
            try db.create(index: "ledger_by_key", on: "ledger", columns: ["key", "id"])
            try db.create(index: "ledger_claimed", on: "ledger", columns: ["state"], condition: Column("state") == "claimed")
        }
        // Owners and leases; rows from before have neither and may be taken over by anyone.
        migrator.registerMigration("ledger-v2-lease") { db in
            try db.alter(table: "ledger") { table in
                table.add(column: "instance_id", .text)
                table.add(column: "lease_until", .integer)
            }
        }
        // What an execution saw before a write that carries no key (workflow dispatch, rerun).
        migrator.registerMigration("ledger-v3-baseline") { db in
            try db.alter(table: "ledger") { table in table.add(column: "baseline", .text) }
        }
        // Commands waiting for their operator's `yes` (PendingConfirmation).
        migrator.registerMigration("ledger-v4-confirmation") { db in
            try db.create(table: "confirmation") { table in
                table.primaryKey("code", .text)
                table.column("source", .text).notNull()
                table.column("command", .text).notNull()
                table.column("snapshot", .text).notNull()
                table.column("created_at", .integer).notNull()
                table.column("expires_at", .integer).notNull()
                table.column("state", .text).notNull()
                table.column("settled_at", .integer)
            }
        }
        // A plain rowid key: AUTOINCREMENT wrote `sqlite_sequence` in every claim, one page more in each claim's
        // commit. Entries are never deleted, so the next id is still one past the largest and ids are never reused.
        migrator.registerMigration("ledger-v5-rowid") { db in try rebuildWithPlainRowID(db) }
        return migrator
    }

    /// Copies `ledger` into a table keyed by a plain `INTEGER PRIMARY KEY` (ids kept) and recreates its indexes.
    /// The column list is the table's as `ledger-v4` left it, written out: a migration must not follow the read list
    /// (``columns``), which later migrations may extend.
    private static func rebuildWithPlainRowID(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE ledger_v5 (
                    id INTEGER PRIMARY KEY, key TEXT NOT NULL, origin_event_id TEXT UNIQUE, action TEXT NOT NULL,
                    repository TEXT NOT NULL, command TEXT NOT NULL, state TEXT NOT NULL, claimed_at INTEGER NOT NULL,
                    completed_at INTEGER, result TEXT, error TEXT, instance_id TEXT, lease_until INTEGER, baseline TEXT);
                INSERT INTO ledger_v5 (
                    id, key, origin_event_id, action, repository, command, state, claimed_at, completed_at, result, error,
                    instance_id, lease_until, baseline)
                SELECT
                    id, key, origin_event_id, action, repository, command, state, claimed_at, completed_at, result, error,
                    instance_id, lease_until, baseline
                FROM ledger ORDER BY id;
                DROP TABLE ledger;
                ALTER TABLE ledger_v5 RENAME TO ledger;
                CREATE INDEX ledger_by_key ON ledger (key, id);
                CREATE INDEX ledger_claimed ON ledger (state) WHERE state = 'claimed';
                """)
    }

    public func claim(key: IdempotencyKey, command: Command, now: Int64, window: Int64) async throws -> ClaimOutcome {
        let json = command.jsonString
        let owner = self.owner
        let until = now + (leaseDuration ?? 30)
        return try await batcher.submit { db in
            try Self.claim(db, key: key, command: command, json: json, now: now, window: window, owner: owner, leaseUntil: until)
        }
    }

    /// The rule and the insert, inside the caller's transaction (so concurrent claims of one key serialize).
    private static func claim(
        _ db: Database, key: IdempotencyKey, command: Command, json: String, now: Int64, window: Int64,
        owner: String, leaseUntil: Int64
    ) throws -> ClaimOutcome {
        // Statements are cached per connection: preparing SQL dominated the cost of a claim.
        let byOrigin = try command.origin.flatMap { try fetchOne(db, byOriginSQL, [$0.eventID]) }
        let latest = try fetchOne(db, latestWithKeySQL, [key.hex])
        switch ClaimRule.decide(byOrigin: byOrigin, latestWithKey: latest, again: command.again, now: now, window: window) {
        case .originSeen(let entry):
            return .originSeen(entry)
        case .duplicate(let entry):
            return .duplicate(entry)
        case .execute:
            try db.cachedStatement(
                sql: """
                    INSERT INTO ledger (key, origin_event_id, action, repository, command, state, claimed_at, instance_id, lease_until)
                    VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?, ?)
                    """
            ).execute(arguments: [
                key.hex, command.origin?.eventID, command.action.rawValue, command.repository.description, json, now,
                owner, leaseUntil
            ])
            return .claimed(
                LedgerEntry(
                    id: db.lastInsertedRowID, key: key, originEventID: command.origin?.eventID, action: command.action,
                    repository: command.repository.description, command: json, state: .claimed, claimedAt: now,
                    completedAt: nil, result: nil, error: nil))
        }
    }

    /// Only a claim is completed: a process that finishes late, after another reconciled its claim, changes nothing.
    public func complete(id: Int64, result: String, at: Int64) async throws {
        try await batcher.submit { db in
            try db.cachedStatement(sql: "UPDATE ledger SET state = 'done', result = ?, completed_at = ? WHERE id = ? AND state = 'claimed'")
                .execute(arguments: [result, at, id])
        }
    }

    public func fail(id: Int64, error: String, at: Int64) async throws {
        try await batcher.submit { db in
            try db.cachedStatement(sql: "UPDATE ledger SET state = 'failed', error = ?, completed_at = ? WHERE id = ? AND state = 'claimed'")
                .execute(arguments: [error, at, id])
        }
    }

    public func recordBaseline(id: Int64, value: String) async throws {
        try await batcher.submit { db in
            try db.cachedStatement(sql: "UPDATE ledger SET baseline = ? WHERE id = ? AND state = 'claimed'").execute(arguments: [value, id])
        }
    }

    public func baseline(id: Int64) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT baseline FROM ledger WHERE id = ?", arguments: [id]) }
    }

    public func insertConfirmation(_ confirmation: PendingConfirmation, now: Int64) async throws -> Bool {
        try await batcher.submit { db in
            try db.execute(sql: "DELETE FROM confirmation WHERE expires_at < ?", arguments: [now - 7 * 86_400])
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO confirmation (code, source, command, snapshot, created_at, expires_at, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    confirmation.code, confirmation.source, confirmation.command, confirmation.snapshot, confirmation.createdAt,
                    confirmation.expiresAt, confirmation.state.rawValue
                ])
            return db.changesCount > 0
        }
    }

    public func confirmation(code: String) throws -> PendingConfirmation? {
        try database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT code, source, command, snapshot, created_at, expires_at, state FROM confirmation WHERE code = ?", arguments: [code]
            ).map { row in
                PendingConfirmation(
                    code: row[0], source: row[1], command: row[2], snapshot: row[3], createdAt: row[4], expiresAt: row[5],
                    state: PendingConfirmation.State(rawValue: row[6]) ?? .stale)
            }
        }
    }

    public func settleConfirmation(code: String, to state: PendingConfirmation.State, at: Int64) async throws -> Bool {
        try await batcher.submit { db in
            try db.execute(
                sql: "UPDATE confirmation SET state = ?, settled_at = ? WHERE code = ? AND state = 'pending'", arguments: [state.rawValue, at, code])
            return db.changesCount > 0
        }
    }

    public func renewLease(id: Int64, now: Int64) async throws -> Bool {
        let owner = self.owner
        let until = now + (leaseDuration ?? 30)
        return try await batcher.submit { db in
            try db.cachedStatement(sql: "UPDATE ledger SET lease_until = ? WHERE id = ? AND state = 'claimed' AND instance_id = ?")
                .execute(arguments: [until, id, owner])
            return db.changesCount > 0
        }
    }

    /// Takes a claim that is this process's, has no owner, has an expired lease, or belongs to a process of this
    /// host that no longer exists (a crashed `run` or `gate exec`: no need to wait for its lease).
    public func takeOver(_ entry: LedgerEntry, now: Int64) async throws -> Bool {
        let owner = self.owner
        let until = now + (leaseDuration ?? 30)
        return try await batcher.submit { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT instance_id, lease_until FROM ledger WHERE id = ? AND state = 'claimed'",
                    arguments: [entry.id])
            else { return false }
            let holder: String? = row[0]
            let leaseUntil: Int64? = row[1]
            guard Self.mayTakeOver(holder: holder, leaseUntil: leaseUntil, owner: owner, now: now) else { return false }
            try db.execute(sql: "UPDATE ledger SET instance_id = ?, lease_until = ? WHERE id = ?", arguments: [owner, until, entry.id])
            return true
        }
    }

    /// Whether `owner` may take a claim held by `holder` until `leaseUntil`.
    static func mayTakeOver(holder: String?, leaseUntil: Int64?, owner: String, now: Int64) -> Bool {
        guard let holder, let leaseUntil else { return true }
        return holder == owner || leaseUntil < now || LedgerOwner.isDeadLocalProcess(holder)
    }

    /// Copies the write-ahead log into the database file and empties it. For after bulk imports such as
    /// benchmark fills.
    public func checkpoint() throws {
        try database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// Whether a write transaction can start (for health checks): `BEGIN IMMEDIATE`, then roll back.
    public func isWritable() -> Bool {
        do {
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
            return true
        } catch {
            return false
        }
    }

    /// (commits, jobs) since open: how much group commit is sharing.
    public func commitStatistics() async -> (commits: Int, jobs: Int) {
        (await batcher.commits, await batcher.jobs)
    }

    public func latest(key: IdempotencyKey) throws -> LedgerEntry? {
        try database.read { db in try Self.fetchOne(db, Self.latestWithKeySQL, [key.hex]) }
    }

    public func entry(originEventID: String) throws -> LedgerEntry? {
        try database.read { db in try Self.fetchOne(db, Self.byOriginSQL, [originEventID]) }
    }

    public func entries(keyPrefix: String, limit: Int) throws -> [LedgerEntry] {
        let prefix = keyPrefix.lowercased().filter(\.isHexDigit)
        return try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.columns) FROM ledger WHERE key >= ? AND key < ? ORDER BY id DESC LIMIT ?",
                arguments: [prefix, prefix + "g", limit]
            ).map(Self.entry)
        }
    }

    public func entries(state: LedgerEntry.State?, since: Int64?, operatorName: String?, limit: Int) throws -> [LedgerEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let operatorName {
            conditions.append("json_extract(command, '$.operator') = ?")
            arguments += [operatorName]
        }
        if let state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if let since {
            conditions.append("claimed_at >= ?")
            arguments += [since]
        }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM ledger \(filter) ORDER BY id DESC LIMIT ?", arguments: arguments).map(Self.entry)
        }
    }

    /// Claimed entries this process may reconcile (``takeOver(_:now:)`` would give them), oldest first.
    public func claimedEntries(now: Int64) throws -> [LedgerEntry] {
        let owner = self.owner
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns), instance_id, lease_until FROM ledger WHERE state = 'claimed' ORDER BY id")
                .filter { Self.mayTakeOver(holder: $0[11], leaseUntil: $0[12], owner: owner, now: now) }
                .map(Self.entry)
        }
    }

    /// Every entry still `claimed`, whoever holds it.
    public func claimedEntries() throws -> [LedgerEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM ledger WHERE state = 'claimed' ORDER BY id").map(Self.entry)
        }
    }

    public func count() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger") ?? 0 }
    }

    /// Bulk insert of finished entries (benchmarks and imports): one transaction.
    public func insertDone(_ rows: [(key: String, origin: String?, action: GateAction, repository: String, at: Int64)]) throws {
        try database.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO ledger (key, origin_event_id, action, repository, command, state, claimed_at, completed_at, result)
                    VALUES (?, ?, ?, ?, '{}', 'done', ?, ?, '{}')
                    """)
            for row in rows {
                try statement.execute(arguments: [row.key, row.origin, row.action.rawValue, row.repository, row.at, row.at])
            }
        }
    }

    private static func fetchOne(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> LedgerEntry? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(entry)
    }

    /// The claim's two lookups, built once (each claim hashes them to find its cached statement).
    private static let byOriginSQL = "SELECT \(columns) FROM ledger WHERE origin_event_id = ?"
    private static let latestWithKeySQL = "SELECT \(columns) FROM ledger WHERE key = ? ORDER BY id DESC LIMIT 1"

    /// Selected in this order and read by position: looking columns up by name cost more than the query.
    private static let columns = "id, key, origin_event_id, action, repository, command, state, claimed_at, completed_at, result, error"

    private static func entry(_ row: Row) -> LedgerEntry {
        LedgerEntry(
            id: row[0], key: IdempotencyKey(hex: row[1]), originEventID: row[2], action: GateAction(rawValue: row[3]) ?? .status,
            repository: row[4], command: row[5], state: LedgerEntry.State(rawValue: row[6]) ?? .claimed, claimedAt: row[7],
            completedAt: row[8], result: row[9], error: row[10])
    }
}
