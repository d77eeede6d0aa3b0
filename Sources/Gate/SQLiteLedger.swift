import Foundation
import GRDB

/// The embedded ledger: SQLite through GRDB, in WAL mode.
///
/// Claims run in `BEGIN IMMEDIATE` transactions, so concurrent claims of the same command (threads or processes
/// sharing the file) serialize and exactly one executes. With the default `synchronous=NORMAL` in WAL mode a
/// committed claim survives a process crash (SIGKILL); `durability: .full` also survives power loss at the
/// price of an fsync per commit.
public final class SQLiteLedger: Ledger {
    public enum Durability: Sendable {
        /// Survives process crashes.
        case normal
        /// Also survives power loss (fsync on every commit).
        case full
    }

    private let database: DatabasePool

    /// Opens or creates the ledger at `path` and migrates it.
    public init(path: String, durability: Durability = .normal) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        database = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
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
        return migrator
    }

    public func claim(key: IdempotencyKey, command: Command, now: Int64, window: Int64) throws -> ClaimOutcome {
        try database.writeWithoutTransaction { db in
            var outcome: ClaimOutcome?
            try db.inTransaction(.immediate) {
                let byOrigin = try command.origin.flatMap { try Self.fetchOne(db, "origin_event_id = ?", [$0.eventID]) }
                let latest = try Self.fetchOne(db, "key = ? ORDER BY id DESC LIMIT 1", [key.hex])
                // Statements are cached per connection: preparing SQL dominated the cost of a claim.
                switch ClaimRule.decide(byOrigin: byOrigin, latestWithKey: latest, again: command.again, now: now, window: window) {
                case .originSeen(let entry):
                    outcome = .originSeen(entry)
                case .duplicate(let entry):
                    outcome = .duplicate(entry)
                case .execute:
                    try db.cachedStatement(sql: """
                        INSERT INTO ledger (key, origin_event_id, action, repository, command, state, claimed_at)
                        VALUES (?, ?, ?, ?, ?, 'claimed', ?)
                        """).execute(arguments: [key.hex, command.origin?.eventID, command.action.rawValue, command.repository.description,
                                                 command.jsonString, now])
                    outcome = .claimed(LedgerEntry(id: db.lastInsertedRowID, key: key, originEventID: command.origin?.eventID,
                                                   action: command.action, repository: command.repository.description,
                                                   command: command.jsonString, state: .claimed,
                                                   claimedAt: now, completedAt: nil, result: nil, error: nil))
                }
                return .commit
            }
            return outcome!
        }
    }

    public func complete(id: Int64, result: String, at: Int64) throws {
        // One statement in autocommit mode is its own transaction: no BEGIN/COMMIT round.
        try database.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "UPDATE ledger SET state = 'done', result = ?, completed_at = ? WHERE id = ?")
                .execute(arguments: [result, at, id])
        }
    }

    public func fail(id: Int64, error: String, at: Int64) throws {
        try database.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "UPDATE ledger SET state = 'failed', error = ?, completed_at = ? WHERE id = ?")
                .execute(arguments: [error, at, id])
        }
    }

    public func latest(key: IdempotencyKey) throws -> LedgerEntry? {
        try database.read { db in try Self.fetchOne(db, "key = ? ORDER BY id DESC LIMIT 1", [key.hex]) }
    }

    public func entry(originEventID: String) throws -> LedgerEntry? {
        try database.read { db in try Self.fetchOne(db, "origin_event_id = ?", [originEventID]) }
    }

    public func entries(keyPrefix: String, limit: Int) throws -> [LedgerEntry] {
        let prefix = keyPrefix.lowercased().filter(\.isHexDigit)
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger WHERE key >= ? AND key < ? ORDER BY id DESC LIMIT ?",
                             arguments: [prefix, prefix + "g", limit]).map(Self.entry)
        }
    }

    public func claimedEntries() throws -> [LedgerEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger WHERE state = 'claimed' ORDER BY id").map(Self.entry)
        }
    }

    public func count() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger") ?? 0 }
    }

    /// Bulk insert of finished entries (benchmarks and imports): one transaction.
    public func insertDone(_ rows: [(key: String, origin: String?, action: GateAction, repository: String, at: Int64)]) throws {
        try database.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO ledger (key, origin_event_id, action, repository, command, state, claimed_at, completed_at, result)
                VALUES (?, ?, ?, ?, '{}', 'done', ?, ?, '{}')
                """)
            for row in rows {
                try statement.execute(arguments: [row.key, row.origin, row.action.rawValue, row.repository, row.at, row.at])
            }
        }
    }

    private static func fetchOne(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> LedgerEntry? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM ledger WHERE " + condition), arguments: arguments).map(entry)
    }

    private static func entry(_ row: Row) -> LedgerEntry {
        LedgerEntry(id: row["id"], key: IdempotencyKey(hex: row["key"]), originEventID: row["origin_event_id"],
                    action: GateAction(rawValue: row["action"]) ?? .status, repository: row["repository"], command: row["command"],
                    state: LedgerEntry.State(rawValue: row["state"]) ?? .claimed, claimedAt: row["claimed_at"],
                    completedAt: row["completed_at"], result: row["result"], error: row["error"])
    }
}
