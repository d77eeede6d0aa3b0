import Foundation
import GRDB
import Testing

@testable import Gate

/// `ledger-v5-rowid`: a ledger written before it (ids from AUTOINCREMENT) opens with every entry as it was, its
/// indexes back, and the next claim numbered after the largest id, without `sqlite_sequence` in the claim's commit.
@Suite struct SQLiteLedgerMigrationTests {
    /// A ledger file as the releases before `ledger-v5-rowid` left it: three entries, the second still claimed.
    static func oldLedger(at path: String) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try SQLiteLedger.migrator.migrate(queue, upTo: "ledger-v4-confirmation")
        try queue.write { db in
            for (id, state) in [(3, "done"), (7, "claimed"), (9, "failed")] {
                try db.execute(
                    sql: """
                        INSERT INTO ledger (id, key, origin_event_id, action, repository, command, state, claimed_at,
                            completed_at, result, error, instance_id, lease_until, baseline)
                        VALUES (?, ?, ?, 'close_issue', 'o/r', '{}', ?, ?, ?, ?, ?, 'host:1', ?, ?)
                        """,
                    arguments: [
                        id, "k\(id)", "e\(id)", state, 100 + id, state == "claimed" ? nil : 200 + id,
                        state == "done" ? "{\"n\":\(id)}" : nil, state == "failed" ? "gone" : nil, 130 + id,
                        id == 7 ? "before" : nil
                    ])
            }
        }
    }

    @Test func entriesSurviveAndIdsContinue() async throws {
        let path = SQLiteLedgerTests.path()
        try Self.oldLedger(at: path)
        let ledger = try SQLiteLedger(path: path)
        let log = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
        #expect(log == 0, "the rebuilt table was checkpointed and the log truncated")

        let done = try #require(try ledger.entry(originEventID: "e3"))
        #expect(done.id == 3 && done.state == .done && done.result == "{\"n\":3}" && done.completedAt == 203)
        #expect(try ledger.entry(originEventID: "e9")?.error == "gone")
        #expect(try ledger.claimedEntries().map(\.id) == [7])
        #expect(try ledger.baseline(id: 7) == "before")
        #expect(try ledger.latest(key: IdempotencyKey(hex: "k7"))?.originEventID == "e7")

        let command = SQLiteLedgerTests.command(origin: "e10")
        let outcome = try await ledger.claim(key: IdempotencyKey(command), command: command, now: 300, window: 3600)
        guard case .claimed(let entry) = outcome else {
            Issue.record("a new command was not claimed: \(outcome)")
            return
        }
        #expect(entry.id == 10, "one past the largest id")

        try await ledger.database.read { db in
            let schema = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'ledger'") ?? ""
            #expect(!schema.uppercased().contains("AUTOINCREMENT"))
            let sequenceTable = try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_sequence'") ?? false
            let sequenced = try sequenceTable && (Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_sequence WHERE name = 'ledger'") ?? 0) > 0
            #expect(!sequenced, "no sequence row left to write in each claim")
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger' ORDER BY name")
            #expect(indexes.contains("ledger_by_key") && indexes.contains("ledger_claimed"))
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM ledger WHERE state = 'claimed'").map { $0["detail"] as String }
            #expect(plan.contains { $0.contains("ledger_claimed") }, "claimed entries are still found by their index: \(plan)")
        }
    }
}
