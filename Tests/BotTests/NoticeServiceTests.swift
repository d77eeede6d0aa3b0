import Foundation
import Gate
import Logging
import NostrCore
import NostrIngress
import TestSupport
import Testing

@testable import Bot

/// The notice service driven with plain times (``NoticeService/step(at:)``) on a real inbox database: digests per
/// operator and repository, and the per-operator rate over all repositories. Nothing is published (the publisher is
/// not run); what counts is what is stored in the outbox.
@Suite struct NoticeServiceTests {
    static let alice = SecretKey.generate()

    static func service(digest: Int64 = 10) throws -> (NoticeService, InboxStore) {
        let store = try InboxStore(
            path: ScratchDirectory.root.appendingPathComponent("og-notice-\(UUID().uuidString)/inbox.sqlite").path)
        let op = Operator(
            publicKey: alice.publicKey, name: "alice", repositories: ["ops/*"], actions: [.watch], defaultRepository: nil, aliases: [:])
        let settings = try #require(try WebhookSettings.parse(Data(#"{"webhook": {"digest_s": \#(digest)}}"#.utf8), directory: "/"))
        let bot = KeyPair(secretKey: .generate())
        let logger = Logger(label: "test.notices")
        let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: "ws://127.0.0.1:9")]), keyPair: bot, logger: logger) { [:] }
        let publisher = ReplyPublisher(pool: pool, storage: LocalInboxStorage(local: store), metrics: BotMetrics(), logger: logger, now: { 0 })
        let service = NoticeService(
            store: store, operators: [op], settings: settings, bot: bot, keys: ConversationKeyCache(secretKey: bot.secretKey), publisher: publisher,
            noteOwnEvents: { _ in }, logger: logger, now: { 0 })
        return (service, store)
    }

    static func deliver(_ store: InboxStore, repo: String, text: String, at time: Int64) throws {
        let body =
            #"{"action":"created","repository":{"full_name":"\#(repo)"},"sender":{"login":"bob"},"issue":{"number":1,"title":"T"},"comment":{"body":"\#(text)"}}"#
        _ = try store.storeDelivery(
            WebhookDelivery(id: UUID().uuidString, event: "issue_comment", eventType: "issue_comment", body: body, receivedAt: time))
    }

    /// The first event for a repository at once; the next two, 1 and 2 s later, together when `digest_s` has passed.
    @Test func theFirstAtOnceTheRestAsOneDigest() async throws {
        let (service, store) = try Self.service(digest: 10)
        try store.setSubscription(operator: Self.alice.publicKey.hex, repo: "ops/tc", kinds: [.comments], watch: true)
        try Self.deliver(store, repo: "ops/tc", text: "one", at: 1000)
        #expect(await service.step(at: 1000) == nil)
        #expect(try store.pendingReplies().count == 1)
        try Self.deliver(store, repo: "ops/tc", text: "two", at: 1001)
        #expect(await service.step(at: 1001) == 1010, "waits until digest_s after the first")
        try Self.deliver(store, repo: "ops/tc", text: "three", at: 1002)
        #expect(await service.step(at: 1002) == 1010)
        #expect(try store.pendingReplies().count == 1)
        #expect(await service.step(at: 1010) == nil)
        #expect(try store.pendingReplies().count == 2)
        #expect(try store.queuedNotices().isEmpty)
        // A delivery nobody watches (another repository) is fanned out to nobody.
        try Self.deliver(store, repo: "ops/other", text: "unwatched", at: 1020)
        #expect(await service.step(at: 1020) == nil)
        #expect(try store.pendingReplies().count == 2 && store.deliveriesToFanOut().isEmpty)
    }

    /// Events on 20 watched repositories at once: 12 DMs in the first minute, the rest once the window moved on.
    @Test func anOperatorGetsAtMostTwelveNoticesAMinute() async throws {
        let (service, store) = try Self.service(digest: 0)
        for index in 0..<20 {
            try store.setSubscription(operator: Self.alice.publicKey.hex, repo: "ops/r\(index)", kinds: [.comments], watch: true)
            try Self.deliver(store, repo: "ops/r\(index)", text: "r\(index)", at: 2000)
        }
        #expect(await service.step(at: 2000) == 2005)
        #expect(try store.pendingReplies().count == 12)
        #expect(await service.step(at: 2030) == 2035, "still inside the minute")
        #expect(try store.pendingReplies().count == 12)
        #expect(await service.step(at: 2061) == nil)
        #expect(try store.pendingReplies().count == 20)
        #expect(try store.queuedNotices().isEmpty)
    }
}
