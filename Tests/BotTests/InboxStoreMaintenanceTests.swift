import Foundation
import NostrCore
import Testing

@testable import Bot

/// The inbox store stays bounded: drops are written in batches, and old records are pruned.
@Suite struct InboxStoreMaintenanceTests {
    @Test func notedIdsAreSeenAtOnceAndWrittenInBatches() throws {
        let path = InboxStoreTests.temporaryPath()
        let store = try InboxStore(path: path)
        // Fewer than a batch: seen in memory, nothing written yet.
        for index in 0..<10 { try store.noteSeen(ids: ["stranger-\(index)"], messageTime: 1000, now: 1000) }
        #expect(try store.hasSeen("stranger-3"))
        #expect(try store.sizes().seen == 0)
        // A full batch writes itself; flushSeen writes the rest.
        for index in 10..<InboxStore.seenBatchSize { try store.noteSeen(ids: ["stranger-\(index)"], messageTime: 1000, now: 1000) }
        #expect(try store.sizes().seen == InboxStore.seenBatchSize)
        try store.noteSeen(ids: ["late"], messageTime: 1000, now: 1000)
        try store.flushSeen()
        #expect(try store.sizes().seen == InboxStore.seenBatchSize + 1)
        #expect(try InboxStore(path: path).hasSeen("late"))
    }

    @Test func maintenancePrunesOldSeenIdsAndPublishedReplies() throws {
        let store = try InboxStore(path: InboxStoreTests.temporaryPath())
        let key = KeyPair(secretKey: .generate())
        let reply = EventTemplate(kind: 4, content: "x", tags: [], createdAt: 100).sign(with: key)
        try store.markSeen(ids: ["old"], messageTime: 100, now: 100)
        try store.markProcessed(ids: ["kept"], messageTime: 5000, cursor: InboxCursor(), now: 5000, reply: ("m1", [reply]))
        try store.markProcessed(ids: ["answered"], messageTime: 200, cursor: InboxCursor(), now: 200, reply: ("m0", [reply]))
        try store.markPublished(messageIDs: ["m0"], at: 300)
        try store.noteSeen(ids: ["pending-old"], messageTime: 150, now: 150)
        let removed = try store.maintain(seenBefore: 1000, publishedBefore: 1000)
        #expect(removed.seen == 3 && removed.replies == 1)
        #expect(try !store.hasSeen("old") && !store.hasSeen("pending-old") && store.hasSeen("kept"))
        // The unpublished reply stays until it is published.
        #expect(try store.pendingReplies().map(\.messageID) == ["m1"])
        #expect(try store.sizes() == (seen: 1, outbox: 1))
    }

    /// The publisher takes stored answers a few at a time: oldest first, at most `limit`, leaving out those it holds.
    @Test func pendingRepliesAreTakenOldestFirstUpToALimitLeavingOutTheExcluded() throws {
        let store = try InboxStore(path: InboxStoreTests.temporaryPath())
        let key = KeyPair(secretKey: .generate())
        for index in 1...6 {
            let reply = EventTemplate(kind: 4, content: "\(index)", tags: [], createdAt: 100).sign(with: key)
            try store.markProcessed(
                ids: ["e\(index)"], messageTime: 100, cursor: InboxCursor(), now: Int64(1000 + index), reply: ("m\(index)", [reply]))
        }
        try store.markPublished(messageIDs: ["m2"], at: 2000)
        #expect(try store.pendingReplies().map(\.messageID) == ["m1", "m3", "m4", "m5", "m6"])
        let some = try store.pendingReplies(limit: 2, excluding: ["m1", "m4"])
        #expect(some.map(\.messageID) == ["m3", "m5"])
        #expect(some.map { $0.events.map(\.content) } == [["3"], ["5"]])
        #expect(try store.pendingReplies(limit: 10, excluding: ["m1", "m3", "m4", "m5", "m6"]).isEmpty)
        #expect(try store.pendingReplies(limit: 0).isEmpty)
    }
}
