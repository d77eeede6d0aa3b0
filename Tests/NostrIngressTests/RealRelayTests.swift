import Foundation
import Logging
import NostrCore
import TestSupport
import Testing

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

        try peer.call([
            "op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "close timmy-config#12", "scheme": "nip04", "relays": relays
        ])
        try peer.call([
            "op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "merge timmy-config!7 squash", "scheme": "nip17", "relays": relays
        ])
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
        let nip04 = EventTemplate(
            kind: 4, content: NIP04.encrypt("done: #12 closed", secretKey: bot, publicKey: alice.publicKey),
            tags: [["p", alice.publicKey.hex]], createdAt: Self.now()
        ).sign(with: botKeys)
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
            try peer.call([
                "op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "comment r#1 note \(index)",
                "scheme": index % 2 == 0 ? "nip04" : "nip17", "relays": [relay.url]
            ])
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

    /// Publishes `events` to `relay` as `author` with a pool of its own, `width` at a time; true when the relay
    /// accepted them all.
    static func publish(_ events: [Event], to relay: String, as author: KeyPair, width: Int = 1) async throws -> Bool {
        let sender = RelayPool(relays: try RelayList([RelayEndpoint(url: relay)]), keyPair: author, logger: Logger(label: "test.sender")) { [:] }
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                await sender.run()
                return nil
            }
            group.addTask {
                await sender.waitForConnections(timeout: .seconds(5))
                return await withTaskGroup(of: Bool.self) { publishes in
                    var accepted = true
                    for (index, event) in events.enumerated() {
                        if index >= width, let ok = await publishes.next() { accepted = ok && accepted }
                        publishes.addTask { await sender.publish(event, deadline: .seconds(20)).succeeded }
                    }
                    for await ok in publishes { accepted = ok && accepted }
                    return accepted
                }
            }
            let result = await group.first { $0 != nil } ?? nil
            group.cancelAll()
            return result ?? false
        }
    }

    /// A NIP-04 DM and a NIP-17 message (its wrap backdated `wrapAge` more) from `author`, both written at `time`.
    static func directMessages(_ text: String, from author: KeyPair, to bot: PublicKey, at time: Int64, wrapAge: Int64 = 0) -> [Event] {
        let dm = EventTemplate(
            kind: 4, content: NIP04.encrypt(text + " 04", secretKey: author.secretKey, publicKey: bot),
            tags: [["p", bot.hex]], createdAt: time
        ).sign(with: author)
        let rumor = EventTemplate(kind: 14, content: text + " 17", tags: [["p", bot.hex]], createdAt: time).rumor(author: author.publicKey)
        return [dm, NIP59.wrap(rumor, author: author, recipient: bot, sealTime: time - wrapAge, wrapTime: time - wrapAge)]
    }

    /// The bot handles two DMs written 40 minutes ago and stops; meanwhile two DMs written 20 minutes ago arrive
    /// (one in a gift wrap backdated 47 hours more). The restarted bot looks back only one minute on a fresh start,
    /// so only its persisted cursors can reach them: it gets exactly those two, and nothing twice.
    @Test func processRestartResumesFromThePersistedCursor() async throws {
        let relay = try RelayProcess(.localRelay())
        let bot = SecretKey.generate()
        let alice = KeyPair(secretKey: .generate())
        let store = temporaryStorePath()
        let now = Self.now()

        let first = try InboxRunner(bot: bot, relays: [relay.url], storePath: store, lookback: 3600)
        _ = await first.waitConnected()
        #expect(try await Self.publish(Self.directMessages("before", from: alice, to: bot.publicKey, at: now - 40 * 60), to: relay.url, as: alice))
        #expect(Set(await first.waitFor(count: 2).map(\.text)) == ["before 04", "before 17"])
        await first.stop()

        // While the bot is down: written 20 minutes ago, after the cursors and before a fresh start's one-minute lookback.
        let whileDown = Self.directMessages("while down", from: alice, to: bot.publicKey, at: now - 20 * 60, wrapAge: 47 * 3600)
        #expect(try await Self.publish(whileDown, to: relay.url, as: alice))

        let second = try InboxRunner(bot: bot, relays: [relay.url], storePath: store, lookback: 60)
        let received = await second.waitFor(count: 2)
        try await Task.sleep(for: .seconds(1))
        #expect(second.messages.count == 2)
        #expect(Set(received.map(\.text)) == ["while down 04", "while down 17"])
        await second.stop()

        // Control: the same store without its cursors (a fresh start) misses them, so the cursors did the work.
        let fresh = try InboxRunner(bot: bot, relays: [relay.url], storePath: temporaryStorePath(), lookback: 60)
        _ = await fresh.waitConnected()
        try await Task.sleep(for: .seconds(2))
        #expect(fresh.messages.isEmpty, "\(fresh.messages.map(\.text))")
        await fresh.stop()
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
        try peer.call([
            "op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "read behind auth", "scheme": "nip17", "relays": [readAuth.url]
        ])
        let received = await runner.waitFor(count: 1)
        #expect(received.map(\.text) == ["read behind auth"])

        let reply = EventTemplate(
            kind: 4, content: NIP04.encrypt("ok", secretKey: bot, publicKey: alice.publicKey),
            tags: [["p", alice.publicKey.hex]], createdAt: Self.now()
        ).sign(with: KeyPair(secretKey: bot))
        let report = await runner.pool.publish(reply, deadline: .seconds(10))
        #expect(report.outcomes[writeAuth.url]?.isAccepted == true, "\(report.outcomes)")
        await runner.stop()
    }

    /// A pool of a live LocalRelay and a dead relay, running while `body` runs (once the live one is connected).
    static func withLiveAndDeadRelay<T: Sendable>(
        _ body: @escaping @Sendable (RelayPool, KeyPair) async -> T
    ) async throws -> (result: T?, pool: RelayPool, live: String, dead: String) {
        let live = try RelayProcess(.localRelay())
        let deadURL = "ws://127.0.0.1:\(try FreePort.find())"
        let bot = KeyPair(secretKey: .generate())
        let pool = RelayPool(
            relays: try RelayList([RelayEndpoint(url: live.url), RelayEndpoint(url: deadURL)]), keyPair: bot,
            configuration: InboxRunner.fastReconnect, logger: Logger(label: "test")
        ) { [:] }
        let result = await withTaskGroup(of: T?.self) { group in
            group.addTask {
                await pool.run()
                return nil
            }
            group.addTask {
                await pool.waitForConnections(timeout: .seconds(2))
                return await body(pool, bot)
            }
            let result = await group.first { $0 != nil } ?? nil
            group.cancelAll()
            return result
        }
        return (result, pool, live.url, deadURL)
    }

    /// One dead relay and one live one: publishing succeeds and reports both.
    @Test func publishingWithOneDeadRelayReportsBoth() async throws {
        let (report, _, live, deadURL) = try await Self.withLiveAndDeadRelay { pool, bot in
            await pool.publish(EventTemplate(kind: 1, content: "hello", createdAt: Self.now()).sign(with: bot), deadline: .seconds(5))
        }
        #expect(report?.succeeded == true)
        #expect(report?.accepted == [live])
        #expect(report?.rejected[deadURL]?.hasPrefix("not connected") == true, "\(String(describing: report?.rejected))")
    }

    /// An event written ahead (``RelayPool/send(_:)``, how an answer leaves before its publisher's turn) is written
    /// once: its publish returns the verdict on that write. Written twice, the relay's second `OK` would come for an
    /// event no longer awaited and count as an unexpected frame.
    @Test func eventsSentAheadAreWrittenOnceAndTheirPublishTakesTheVerdict() async throws {
        let (reports, pool, live, deadURL) = try await Self.withLiveAndDeadRelay { pool, bot in
            let events = (0..<5).map { EventTemplate(kind: 1, content: "answer \($0)", createdAt: Self.now()).sign(with: bot) }
            for event in events { await pool.send(event) }
            var reports: [PublishReport] = []
            for event in events { reports.append(await pool.publish(event, deadline: .seconds(5))) }
            // Room for a second OK of a doubled write to arrive.
            try? await Task.sleep(for: .milliseconds(500))
            return reports
        }
        #expect(reports?.count == 5)
        for report in reports ?? [] {
            #expect(report.accepted == [live], "\(report.outcomes)")
            #expect(report.rejected[deadURL]?.hasPrefix("not connected") == true, "\(report.rejected)")
        }
        let liveStatus = await pool.status().first { $0.url == live }
        #expect(liveStatus?.unexpectedFrames == 0)
    }
}
