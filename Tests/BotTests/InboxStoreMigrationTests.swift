import Foundation
import GRDB
import Testing

@testable import Bot

/// `inbox-v5-seen-without-rowid`: a store written before it opens with every seen id, its time index and the
/// pruning as before, and the ids in one B-tree (no separate index of the primary key).
@Suite struct InboxStoreMigrationTests {
    @Test func seenIdsSurviveTheRebuild() throws {
        let path = InboxStoreTests.temporaryPath()
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: path)
            try InboxStore.migrator.migrate(queue, upTo: "inbox-v4-webhooks")
            try queue.write { db in
                for (id, time) in [("e1", 100), ("e2", 150), ("e3", 200)] {
                    try db.execute(sql: "INSERT INTO inbox_seen (id, message_time, seen_at) VALUES (?, ?, ?)", arguments: [id, time, time + 1])
                }
            }
        }
        // Memory holds one id: the others are answered by the table itself.
        let store = try InboxStore(path: path, memoryCapacity: 1)
        #expect(try store.hasSeen("e1") && store.hasSeen("e2") && store.hasSeen("e3"))
        #expect(try !store.hasSeen("e4"))

        try store.database.read { db in
            let schema = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'inbox_seen'") ?? ""
            #expect(schema.uppercased().contains("WITHOUT ROWID"), "\(schema)")
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'inbox_seen'")
            #expect(indexes == ["inbox_seen_by_time"], "one B-tree for the ids, and the time index: \(indexes)")
            let rows = try Row.fetchAll(db, sql: "SELECT id, message_time, seen_at FROM inbox_seen ORDER BY id")
            #expect(rows.map { "\($0[0] as String) \($0[1] as Int) \($0[2] as Int)" } == ["e1 100 101", "e2 150 151", "e3 200 201"])
        }
        try store.markProcessed(ids: ["e5"], messageTime: 250, cursor: .init(nip04: 250), now: 300)
        #expect(try store.prune(before: 160) == 2)
        #expect(try !store.hasSeen("e1") && store.hasSeen("e3") && store.hasSeen("e5"))
    }
}
