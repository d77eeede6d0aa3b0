import Foundation
import GRDB
import NostrCore
import TestSupport
import Testing

@testable import Bot

/// ``InboxStore/storeProcessed(_:now:reply:)``: answers stored concurrently share commits (group commit), and each
/// call is still whole: its marks, its reply and its cursor, or (when it fails) none of them.
@Suite struct InboxStoreGroupCommitTests {
    let bot = SecretKey.generate()
    let alice = SecretKey.generate()
    let now: Int64 = 1_764_460_000

    func message(_ index: Int) throws -> DirectMessage {
        let event = EventTemplate(
            kind: 4, content: NIP04.encrypt("show #\(index)", secretKey: alice, publicKey: bot.publicKey), tags: [["p", bot.publicKey.hex]],
            createdAt: now + Int64(index)
        ).sign(with: alice.keyPair)
        return try DirectMessageDecoder(keys: ConversationKeyCache(secretKey: bot)).decode(event)
    }

    func answer(_ index: Int) -> Event {
        NIP04.message("✓ \(index)", author: bot.keyPair, recipient: alice.publicKey, now: now + Int64(index))
    }

    @Test func concurrentCallsAreEachRecordedWhole() async throws {
        let path = InboxStoreTests.temporaryPath()
        let messages = try (0..<40).map(message)
        let answers = (0..<40).map(answer)  // NIP-04's IV is random: each answer is made once
        do {
            let store = try InboxStore(path: path)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, message) in messages.enumerated() {
                    group.addTask { try await store.storeProcessed(message, now: now + 100, reply: [answers[index]]) }
                }
                try await group.waitForAll()
            }
        }
        // Read back from the file alone (a fresh store): every message, every reply, the newest cursor.
        let reopened = try InboxStore(path: path, memoryCapacity: 1)
        for message in messages { #expect(try reopened.hasSeen(message.id)) }
        let pending = Dictionary(uniqueKeysWithValues: try reopened.pendingReplies().map { ($0.messageID, $0.events) })
        #expect(pending.count == 40)
        for (index, message) in messages.enumerated() { #expect(pending[message.id]?.map(\.id) == [answers[index].id]) }
        #expect(try reopened.cursor().nip04 == now + 39)
    }

    @Test func aFailingCallLeavesNothingAndTheOthersStay() async throws {
        let store = try InboxStore(path: InboxStoreTests.temporaryPath())
        let messages = try (0..<8).map(message)
        let doomed = messages[3]
        // The seen mark of one message is refused after its reply was inserted: its savepoint must take the reply back.
        try await store.database.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse BEFORE INSERT ON inbox_seen WHEN NEW.id = '\(doomed.id)'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                    """)
        }
        let failures = try await withThrowingTaskGroup(of: String?.self) { group in
            for (index, message) in messages.enumerated() {
                group.addTask {
                    do { try await store.storeProcessed(message, now: now + 100, reply: [answer(index)]) } catch { return message.id }
                    return nil
                }
            }
            return try await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
        }
        #expect(failures == [doomed.id])
        let pending = Set(try store.pendingReplies().map(\.messageID))
        #expect(pending == Set(messages.map(\.id)).subtracting([doomed.id]))
        #expect(try !store.hasSeen(doomed.id))
        for message in messages where message.id != doomed.id { #expect(try store.hasSeen(message.id)) }
    }
}

/// ``InboxStore/maintainLog(quiet:)``: stored answers reach the main database file by a checkpoint once their
/// commits pause, and SQLite's own checkpoint inside a commit waits for 16,384 pages meanwhile.
@Suite struct InboxStoreCheckpointTests {
    @Test func storedAnswersAreCheckpointedOnceTheCommitsPause() async throws {
        let path = InboxStoreTests.temporaryPath()
        let store = try InboxStore(path: path)
        let helper = InboxStoreGroupCommitTests()
        try await store.storeProcessed(try helper.message(0), now: helper.now + 100, reply: [helper.answer(0)])
        try await Task.sleep(for: .milliseconds(300))
        #expect(try rowsInMainFileAlone(path, table: "inbox_seen") == 0, "without maintainLog(), the mark is only in the log")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.maintainLog(quiet: .milliseconds(50)) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await store.database.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 16_384)
            try await store.storeProcessed(try helper.message(1), now: helper.now + 101, reply: [helper.answer(1)])
            let rows = try await rowsInMainFileAlone(path, table: "inbox_seen", reaching: 2)
            #expect(rows == 2, "the stored answer woke the checkpointer")
            group.cancelAll()
        }
    }
}
