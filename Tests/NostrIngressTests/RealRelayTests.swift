import Foundation
import Logging
import NostrCore
import Testing
import TestSupport
@testable import NostrIngress

/// The relay pool against real relays on loopback (rust-nostr LocalRelay, PyPI nostr-relay) and a real client
/// (rust-nostr), both started from the test venv.
@Suite(.serialized) struct RealRelayTests {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// rust-nostr sends NIP-04 and NIP-17 through two relays; the bot gets each once, seen on both relays.
    /// The bot answers in both schemes through its pool; rust-nostr fetches and decrypts them.
    @Test func directMessagesBothWaysWithRustNostrOverTwoRelays() async throws {
        let local = try RelayProcess(.localRelay())
        let python = try RelayProcess(.nostrRelay())
        let peer = try RustNostrPeer()
        let bot = SecretKey.generate()
        let alice = SecretKey.generate()
        let relays = [local.url, python.url]
        let runner = try InboxRunner(bot: bot, relays: relays, storePath: temporaryStorePath())
        #expect(await runner.waitConnected() == relays.sorted())

        try peer.call(["op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "close timmy-config#12", "scheme": "nip04", "relays": relays])
        try peer.call(["op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "merge timmy-config!7 squash", "scheme": "nip17", "relays": relays])
        let received = await runner.waitFor(count: 2)
        try await Task.sleep(for: .seconds(1))  // room for a wrongly doubled delivery to show up
        #expect(runner.messages.count == 2)
        #expect(Set(received.map(\.text)) == ["close timmy-config#12", "merge timmy-config!7 squash"])
        #expect(Set(received.map(\.scheme)) == [.nip04, .nip17])
        #expect(received.allSatisfy { $0.sender == alice.publicKey })
        for message in received {
            #expect(await runner.pool.relays(seenFor: message.carrierID).sorted() == relays.sorted(), "\(message.scheme) not seen on both relays")
        }
        let statuses = await runner.pool.status()
        #expect(statuses.reduce(0) { $0 + $1.duplicatesDropped } == 2)

        // The other way: the bot publishes, rust-nostr reads.
        let botKeys = KeyPair(secretKey: bot)
        let nip04 = EventTemplate(kind: 4, content: NIP04.encrypt("done: #12 closed", secretKey: bot, publicKey: alice.publicKey),
                                  tags: [["p", alice.publicKey.hex]], createdAt: Self.now()).sign(with: botKeys)
        let nip17 = try NIP17.message("done: !7 merged", author: botKeys, recipient: alice.publicKey, now: Self.now())
        for event in [nip04, nip17.toRecipient] {
            let report = await runner.pool.publish(event, deadline: .seconds(10))
            #expect(report.accepted == relays.sorted(), "\(report.outcomes)")
        }
        let fetched = try peer.call(["op": "client_fetch", "sec": alice.hex, "relays": relays, "since": Int(Self.now() - 3 * 86400), "timeout": 5])
        let texts = Set((fetched.messages ?? []).filter { $0.from == bot.publicKey.hex }.map { "\($0.scheme):\($0.text)" })
        #expect(texts == ["nip04:done: #12 closed", "nip17:done: !7 merged"])
        await runner.stop()
    }

    /// A relay is killed and restarted while DMs are sent: every DM arrives exactly once.
    @Test func relayKilledAndRestartedLosesAndDoublesNothing() async throws {
        let relay = try RelayProcess(.nostrRelay())
        let peer = try RustNostrPeer()
        let bot = SecretKey.generate()
        let alice = SecretKey.generate()
        let runner = try InboxRunner(bot: bot, relays: [relay.url], storePath: temporaryStorePath())
        #expect(await runner.waitConnected() == [relay.url])
        func send(_ index: Int) throws {
            try peer.call(["op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "comment r#1 note \(index)",
                           "scheme": index % 2 == 0 ? "nip04" : "nip17", "relays": [relay.url]])
        }
        for index in 0..<3 { try send(index) }
        #expect(await runner.waitFor(count: 3).count == 3)

        relay.kill()
        try relay.start()
        let restartedAt = ContinuousClock.now
        // Sent while the bot is still backing off: it must pick them up from the relay's storage on resubscribe.
        for index in 3..<6 { try send(index) }
        _ = await runner.waitConnected(timeout: .seconds(15))
        let reconnectTime = ContinuousClock.now - restartedAt
        let received = await runner.waitFor(count: 6)
        try await Task.sleep(for: .seconds(1))
        #expect(runner.messages.count == 6)
        #expect(Set(received.map(\.text)) == Set((0..<6).map { "comment r#1 note \($0)" }))
        let status = await runner.pool.status()[0]
        #expect(status.reconnects >= 1)
        print("reconnect after relay restart took \(reconnectTime)")
        await runner.stop()
    }

    /// The bot stops; meanwhile a DM and a gift wrap backdated 47 hours arrive; the restarted bot resumes from its
    /// persisted cursor and gets exactly those two.
    @Test func processRestartResumesFromThePersistedCursor() async throws {
        let relay = try RelayProcess(.localRelay())
        let peer = try RustNostrPeer()
        let bot = SecretKey.generate()
        let alice = KeyPair(secretKey: .generate())
        let store = temporaryStorePath()

        let first = try InboxRunner(bot: bot, relays: [relay.url], storePath: store)
        _ = await first.waitConnected()
        try peer.call(["op": "client_send", "sec": alice.secretKey.hex, "to": bot.publicKey.hex, "text": "before 04", "scheme": "nip04", "relays": [relay.url]])
        try peer.call(["op": "client_send", "sec": alice.secretKey.hex, "to": bot.publicKey.hex, "text": "before 17", "scheme": "nip17", "relays": [relay.url]])
        #expect(await first.waitFor(count: 2).count == 2)
        await first.stop()

        // While the bot is down.
        let now = Self.now()
        let rumor = EventTemplate(kind: 14, content: "while down, wrapped 47 h back", tags: [["p", bot.publicKey.hex]], createdAt: now)
            .rumor(author: alice.publicKey)
        let backdated = NIP59.wrap(rumor, author: alice, recipient: bot.publicKey, sealTime: now - 47 * 3600, wrapTime: now - 47 * 3600)
        let sender = RelayPool(relays: try RelayList([RelayEndpoint(url: relay.url)]), keyPair: alice, logger: Logger(label: "test.sender")) { [:] }
        let report = await withTaskGroup(of: PublishReport?.self) { group in
            group.addTask { await sender.run(); return nil }
            group.addTask {
                await sender.waitForConnections(timeout: .seconds(5))
                return await sender.publish(backdated, deadline: .seconds(10))
            }
            let result = await group.first { $0 != nil } ?? nil
            group.cancelAll()
            return result
        }
        #expect(report?.succeeded == true)
        try peer.call(["op": "client_send", "sec": alice.secretKey.hex, "to": bot.publicKey.hex, "text": "while down 04", "scheme": "nip04", "relays": [relay.url]])

        let second = try InboxRunner(bot: bot, relays: [relay.url], storePath: store)
        let received = await second.waitFor(count: 2)
        try await Task.sleep(for: .seconds(1))
        #expect(second.messages.count == 2)
        #expect(Set(received.map(\.text)) == ["while down, wrapped 47 h back", "while down 04"])
        await second.stop()
    }

    /// Relays that require NIP-42: reading (bot must AUTH to get its DMs) and writing (bot must AUTH to publish).
    @Test func authenticatesWhereRelaysRequireIt() async throws {
        let readAuth = try RelayProcess(.localRelay(nip42: "read"))
        let writeAuth = try RelayProcess(.localRelay(nip42: "write"))
        let peer = try RustNostrPeer()
        let bot = SecretKey.generate()
        let alice = SecretKey.generate()
        let runner = try InboxRunner(bot: bot, relays: [readAuth.url, writeAuth.url], storePath: temporaryStorePath())
        _ = await runner.waitConnected()
        try peer.call(["op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "read behind auth", "scheme": "nip17", "relays": [readAuth.url]])
        let received = await runner.waitFor(count: 1)
        #expect(received.map(\.text) == ["read behind auth"])

        let reply = EventTemplate(kind: 4, content: NIP04.encrypt("ok", secretKey: bot, publicKey: alice.publicKey),
                                  tags: [["p", alice.publicKey.hex]], createdAt: Self.now()).sign(with: KeyPair(secretKey: bot))
        let report = await runner.pool.publish(reply, deadline: .seconds(10))
        #expect(report.outcomes[writeAuth.url]?.isAccepted == true, "\(report.outcomes)")
        await runner.stop()
    }

    /// One dead relay and one live one: publishing succeeds and reports both.
    @Test func publishingWithOneDeadRelayReportsBoth() async throws {
        let live = try RelayProcess(.localRelay())
        let deadURL = "ws://127.0.0.1:\(try FreePort.find())"
        let bot = KeyPair(secretKey: .generate())
        let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: live.url), RelayEndpoint(url: deadURL)]), keyPair: bot,
                             configuration: InboxRunner.fastReconnect, logger: Logger(label: "test")) { [:] }
        let event = EventTemplate(kind: 1, content: "hello", createdAt: Self.now()).sign(with: bot)
        let report = await withTaskGroup(of: PublishReport?.self) { group in
            group.addTask { await pool.run(); return nil }
            group.addTask {
                await pool.waitForConnections(timeout: .seconds(2))
                return await pool.publish(event, deadline: .seconds(5))
            }
            let result = await group.first { $0 != nil } ?? nil
            group.cancelAll()
            return result
        }
        #expect(report?.succeeded == true)
        #expect(report?.accepted == [live.url])
        #expect(report?.rejected[deadURL]?.hasPrefix("not connected") == true, "\(String(describing: report?.rejected))")
    }
}
