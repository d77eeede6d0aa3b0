import Foundation
import Logging
import NostrCore
import TestSupport
import Testing

@testable import Bot

@Suite struct InboxStoreTests {
    static func temporaryPath() -> String {
        ScratchDirectory.root.appendingPathComponent("og-inbox-\(UUID().uuidString)/inbox.sqlite").path
    }

    @Test func recordsSurviveReopening() throws {
        let path = Self.temporaryPath()
        do {
            let store = try InboxStore(path: path, memoryCapacity: 2)
            #expect(try store.cursor() == InboxCursor())
            try store.markProcessed(ids: ["a", "b"], messageTime: 100, cursor: InboxCursor(nip04: 100), now: 200)
            try store.markProcessed(ids: ["c"], messageTime: 150, cursor: InboxCursor(nip17: 150), now: 200)
            // Memory holds two ids; the third answer comes from SQLite.
            #expect(try store.hasSeen("a") && store.hasSeen("b") && store.hasSeen("c"))
        }
        let reopened = try InboxStore(path: path)
        #expect(try reopened.hasSeen("a") && reopened.hasSeen("c"))
        #expect(try !reopened.hasSeen("d"))
        #expect(try reopened.cursor() == InboxCursor(nip04: 100, nip17: 150))
        #expect(try reopened.prune(before: 120) == 2)
        #expect(try !reopened.hasSeen("a"))
    }

    @Test func boundedSetForgetsOldestFirst() {
        var set = BoundedSet<Int>(capacity: 3)
        for i in 0..<10 { set.insert(i) }
        #expect(set.count == 3)
        #expect(!set.contains(6) && set.contains(7) && set.contains(9))
        let insertedAgain = set.insert(9)
        #expect(!insertedAgain)
        let next = set.insertEvicting(10)
        #expect(next.inserted && next.evicted == 7)
        let repeated = set.insertEvicting(10)
        #expect(!repeated.inserted && repeated.evicted == nil)
    }

    @Test func inboxDeliversEachMessageOnceAndRefusesForgeries() async throws {
        let bot = SecretKey.generate()
        let alice = KeyPair(secretKey: .generate())
        let now = Int64(Date().timeIntervalSince1970)
        let store = try InboxStore(path: Self.temporaryPath())
        let inbox = try InboxPipeline.listener(secretKey: bot, store: store, lookback: 600, now: now, logger: Logger(label: "test"))
        let dm = EventTemplate(
            kind: 4, content: NIP04.encrypt("close x#1", secretKey: alice.secretKey, publicKey: bot.publicKey),
            tags: [["p", bot.publicKey.hex]], createdAt: now
        ).sign(with: alice)
        guard case .deliver(let message) = await inbox.admit(dm, now: now) else {
            Issue.record("not delivered")
            return
        }
        #expect(message.text == "close x#1" && message.sender == alice.publicKey)
        try await inbox.acknowledge(message, now: now)
        #expect(await inbox.admit(dm, now: now).dropReason == .duplicate)

        // Two different wraps of one rumor: the second is a duplicate by rumor id.
        let outgoing = try NIP17.message("merge x!2", author: alice, recipient: bot.publicKey, now: now)
        let rewrap = NIP59.wrap(outgoing.rumor, author: alice, recipient: bot.publicKey, now: now)
        guard case .deliver(let wrapped) = await inbox.admit(outgoing.toRecipient, now: now) else {
            Issue.record("wrap not delivered")
            return
        }
        try await inbox.acknowledge(wrapped, now: now)
        #expect(await inbox.admit(rewrap, now: now).dropReason == .duplicate)

        // A stranger's gift wrap that claims alice as author.
        let stranger = KeyPair(secretKey: .generate())
        let forgedRumor = EventTemplate(kind: 14, content: "merge x!3", tags: [["p", bot.publicKey.hex]], createdAt: now).rumor(
            author: alice.publicKey)
        let seal = EventTemplate(
            kind: 13,
            content: try NIP44.encrypt(
                forgedRumor.jsonString,
                conversationKey: NIP44.conversationKey(secretKey: stranger.secretKey, publicKey: bot.publicKey)), createdAt: now
        ).sign(with: stranger)
        let ephemeral = KeyPair(secretKey: .generate())
        let forged = EventTemplate(
            kind: 1059,
            content: try NIP44.encrypt(
                seal.jsonString,
                conversationKey: NIP44.conversationKey(secretKey: ephemeral.secretKey, publicKey: bot.publicKey)),
            tags: [["p", bot.publicKey.hex]], createdAt: now
        ).sign(with: ephemeral)
        guard case .drop(.undecodable(let reason), _, _) = await inbox.admit(forged, now: now) else {
            Issue.record("forgery delivered")
            return
        }
        #expect(reason.label == "forged_wrap")
        #expect(await inbox.counts["forged_wrap"] == 1)

        // Not for us, and too old.
        let other = EventTemplate(kind: 4, content: "x", tags: [["p", alice.publicKey.hex]], createdAt: now).sign(with: alice)
        #expect(await inbox.admit(other, now: now).dropReason == .undecodable(.notAddressedToUs))
        let old = EventTemplate(
            kind: 4, content: NIP04.encrypt("old", secretKey: alice.secretKey, publicKey: bot.publicKey),
            tags: [["p", bot.publicKey.hex]], createdAt: now - 3600
        ).sign(with: alice)
        guard case .drop(.tooOld, _, _) = await inbox.admit(old, now: now) else {
            Issue.record("old message delivered")
            return
        }
    }
}
