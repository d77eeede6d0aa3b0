import Foundation
import Logging
import NIOConcurrencyHelpers
import NostrCore
import NostrIngress
import TestSupport
import Testing

@testable import Bot

/// The reply publisher owns the only retry path for answers (issue #12): a stored reply that no relay accepted is
/// offered again by its own timer and published once a relay takes it; then nothing is pending.
@Suite(.serialized) struct ReplyPublisherTests {
    /// A new inbox store holding `count` answered messages whose answers (signed by a new bot key) are unpublished.
    static func storeWithAnswers(_ count: Int) throws -> (InboxStore, KeyPair) {
        let store = try InboxStore(
            path: ScratchDirectory.root.appendingPathComponent("og-publisher-\(UUID().uuidString)/inbox.sqlite").path)
        let bot = KeyPair(secretKey: .generate())
        let now = Int64(Date().timeIntervalSince1970)
        for index in 0..<count {
            let id = String(format: "%064x", index + 1)
            let message = DirectMessage(id: id, carrierID: id, sender: bot.publicKey, scheme: .nip04, createdAt: now, text: "show #1", tags: [])
            try store.markProcessed(
                message, now: now, reply: [EventTemplate(kind: 1, content: "✓ \(index)", tags: [], createdAt: now).sign(with: bot)])
        }
        return (store, bot)
    }

    @Test func aReplyNoRelayAcceptedIsRetriedUntilOneDoes() async throws {
        let relay = try RelayProcess(.localRelay())
        relay.kill()  // down: the first attempt finds no relay
        let store = try InboxStore(
            path: ScratchDirectory.root.appendingPathComponent("og-publisher-\(UUID().uuidString)/inbox.sqlite").path)
        let bot = KeyPair(secretKey: .generate())
        let now = Int64(Date().timeIntervalSince1970)
        let reply = EventTemplate(kind: 1, content: "✓ answered", tags: [], createdAt: now).sign(with: bot)
        let message = DirectMessage(
            id: String(repeating: "a", count: 64), carrierID: String(repeating: "a", count: 64), sender: bot.publicKey, scheme: .nip04,
            createdAt: now, text: "show #1", tags: [])
        try store.markProcessed(message, now: now, reply: [reply])

        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "test.publisher") { label in
            JSONLogHandler(label: label) { data in lines.withLockedValue { $0.append(String(decoding: data, as: UTF8.self)) } }
        }
        logger.logLevel = .warning
        let connection = RelayConnectionConfiguration(backoff: .init(base: .milliseconds(200), cap: .seconds(1)), handshakeTimeout: .seconds(3))
        let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: relay.url)]), keyPair: bot, configuration: connection, logger: logger) {
            [:]
        }
        let publisher = ReplyPublisher(
            pool: pool, storage: LocalInboxStorage(local: store), metrics: BotMetrics(), logger: logger,
            now: { Int64(Date().timeIntervalSince1970) }, retryInterval: .milliseconds(500))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            group.addTask { await publisher.run() }
            await publisher.enqueuePending()
            // The first attempt waits out its 10 s deadline with no relay, and is reported for a retry.
            let refused = Date().addingTimeInterval(20)
            while !lines.withLockedValue({ $0.contains { $0.contains("reply not accepted by any relay; will retry") } }) && Date() < refused {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try store.pendingReplies().count == 1, "not published while no relay is up")
            try relay.start()
            let deadline = Date().addingTimeInterval(20)
            while try !store.pendingReplies().isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try store.pendingReplies().isEmpty, "the retry published it once the relay was up")
            #expect(lines.withLockedValue { $0.filter { $0.contains("will retry") }.count } >= 1)
            group.cancelAll()
        }
    }

    /// A burst of stored replies (more than one recording batch of 64) is published and every one recorded as
    /// published once the queue drains, so nothing is left for the retry pass to send again.
    @Test func aBurstOfRepliesIsRecordedPublishedOnceTheQueueDrains() async throws {
        // PyPI nostr-relay: LocalRelay's default rate limit would refuse most of a burst.
        let relay = try RelayProcess(.nostrRelay())
        defer { relay.kill() }
        let (store, bot) = try Self.storeWithAnswers(100)
        #expect(try store.pendingReplies().count == 100)
        let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: relay.url)]), keyPair: bot, logger: Logger(label: "test.publisher")) { [:] }
        let publisher = ReplyPublisher(
            pool: pool, storage: LocalInboxStorage(local: store), metrics: BotMetrics(), logger: Logger(label: "test.publisher"),
            now: { Int64(Date().timeIntervalSince1970) }, retryInterval: .seconds(60))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            group.addTask { await publisher.run() }
            _ = await pool.waitForConnections(timeout: .seconds(10))
            await publisher.enqueuePending()
            let deadline = Date().addingTimeInterval(30)
            while try !store.pendingReplies().isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            let left = try store.pendingReplies().count
            #expect(left == 0, "\(left) of 100 not recorded published")
            group.cancelAll()
        }
    }

    /// A burst of answers beyond ``ReplyPublisher/maxHeld`` is not held in memory: the rest wait in storage and are
    /// taken from there as the queue drains (not by the retry pass, a minute away here); every one is published
    /// and recorded, and no more than the bound were ever held.
    @Test func answersBeyondTheBoundWaitInStorageAndAreAllPublished() async throws {
        let relay = try RelayProcess(.nostrRelay())
        defer { relay.kill() }
        let (store, bot) = try Self.storeWithAnswers(60)
        let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: relay.url)]), keyPair: bot, logger: Logger(label: "test.publisher")) { [:] }
        let publisher = ReplyPublisher(
            pool: pool, storage: LocalInboxStorage(local: store), metrics: BotMetrics(), logger: Logger(label: "test.publisher"),
            now: { Int64(Date().timeIntervalSince1970) }, retryInterval: .seconds(60), maxHeld: 8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            group.addTask { await publisher.run() }
            _ = await pool.waitForConnections(timeout: .seconds(10))
            // As the bot's intake offers them: every stored answer at once.
            for pending in try store.pendingReplies() { await publisher.enqueue(messageID: pending.messageID, events: pending.events) }
            let deadline = Date().addingTimeInterval(30)
            while try !store.pendingReplies().isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let left = try store.pendingReplies().count
            #expect(left == 0, "\(left) of 60 not published within 30 s")
            let most = await publisher.mostHeld
            #expect(most == 8, "held at most \(most) answers at once; the bound is 8")
            group.cancelAll()
        }
    }

    /// Answers are published several at a time: a relay that never answers `OK` holds each answer up to its 10 s
    /// deadline, and must not hold the answers queued behind it. The number in flight stays at the bound.
    @Test func answersArePublishedSeveralAtATimeUpToTheBound() async throws {
        let silent = SilentRelay.Log()
        let port = NIOLockedValueBox<Int?>(nil)
        let answers = ReplyPublisher.maxInFlight * 2 + 8
        let (store, bot) = try Self.storeWithAnswers(answers)
        var quiet = Logger(label: "test.publisher")
        quiet.logLevel = .critical  // the answers still queued at the end are reported undelivered
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await SilentRelay.run(log: silent) { bound in port.withLockedValue { $0 = bound } } }
            let url = try await LoopbackWebSocketDouble.url(port)
            let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: url)]), keyPair: bot, logger: quiet) { [:] }
            let publisher = ReplyPublisher(
                pool: pool, storage: LocalInboxStorage(local: store), metrics: BotMetrics(), logger: quiet,
                now: { Int64(Date().timeIntervalSince1970) }, retryInterval: .seconds(60))
            group.addTask { await pool.run() }
            group.addTask { await publisher.run() }
            _ = await pool.waitForConnections(timeout: .seconds(10))
            await publisher.enqueuePending()
            // Well inside the first answer's 10 s deadline: one at a time, only that answer would have been sent.
            let deadline = Date().addingTimeInterval(5)
            while silent.eventsReceived.withLockedValue({ $0 }) < ReplyPublisher.maxInFlight && Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(500))
            let sent = silent.eventsReceived.withLockedValue { $0 }
            #expect(sent == ReplyPublisher.maxInFlight, "\(sent) answers sent while none was accepted; the bound is \(ReplyPublisher.maxInFlight)")
            #expect(try store.pendingReplies().count == answers, "nothing recorded published: no relay accepted any")
            group.cancelAll()
        }
    }

    /// Answers published one after another (a command at a time) are recorded together, ``ReplyPublisher/recordDelay``
    /// after the first: one commit for the stream instead of one each; and every one is recorded.
    @Test func answersPublishedOneAfterAnotherAreRecordedTogether() async throws {
        let relay = try RelayProcess(.nostrRelay())
        defer { relay.kill() }
        let (store, bot) = try Self.storeWithAnswers(5)
        let storage = CountingStorage(LocalInboxStorage(local: store))
        let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: relay.url)]), keyPair: bot, logger: Logger(label: "test.publisher")) { [:] }
        let publisher = ReplyPublisher(
            pool: pool, storage: storage, metrics: BotMetrics(), logger: Logger(label: "test.publisher"),
            now: { Int64(Date().timeIntervalSince1970) }, retryInterval: .seconds(60))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            group.addTask { await publisher.run() }
            _ = await pool.waitForConnections(timeout: .seconds(10))
            for pending in try store.pendingReplies() {
                await publisher.enqueue(messageID: pending.messageID, events: pending.events)
                try await Task.sleep(for: .milliseconds(20))  // each is published alone (a loopback round trip)
            }
            let deadline = Date().addingTimeInterval(10)
            while try !store.pendingReplies().isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(try store.pendingReplies().isEmpty, "every answer recorded published")
            let commits = storage.markPublishedCalls.withLockedValue { $0 }
            #expect(commits <= 2, "\(commits) commits for 5 answers published within 100 ms")
            group.cancelAll()
        }
    }
}

/// An ``InboxStorage`` that counts ``markPublished(messageIDs:now:)`` calls (commits of published marks).
private final class CountingStorage: InboxStorage {
    let inner: LocalInboxStorage
    let markPublishedCalls = NIOLockedValueBox(0)
    init(_ inner: LocalInboxStorage) { self.inner = inner }
    var local: InboxStore { inner.local }
    var claimLease: Int64? { inner.claimLease }
    func claim(_ message: DirectMessage, carrier: Event, now: Int64) async throws -> MessageClaim {
        try await inner.claim(message, carrier: carrier, now: now)
    }
    func renewClaim(messageID: String, now: Int64) async throws -> Bool { try await inner.renewClaim(messageID: messageID, now: now) }
    func storeReply(_ reply: [Event], answering message: DirectMessage, now: Int64) async throws -> Bool {
        try await inner.storeReply(reply, answering: message, now: now)
    }
    func pendingReplies(now: Int64, limit: Int, excluding: Set<String>) async throws -> [(messageID: String, events: [Event])] {
        try await inner.pendingReplies(now: now, limit: limit, excluding: excluding)
    }
    func markPublished(messageIDs: [String], now: Int64) async throws {
        markPublishedCalls.withLockedValue { $0 += 1 }
        try await inner.markPublished(messageIDs: messageIDs, now: now)
    }
    func takeOverAbandoned(now: Int64) async throws -> [Event] { try await inner.takeOverAbandoned(now: now) }
    func sharedCursor() async -> InboxCursor? { await inner.sharedCursor() }
}
