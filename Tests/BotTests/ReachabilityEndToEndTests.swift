import Bot
import Foundation
import Logging
import NostrCore
import NostrIngress
import TestSupport
import Testing

/// Issue #14 against real peers: relays on loopback (rust-nostr LocalRelay, one of them requiring NIP-42 AUTH) and
/// rust-nostr as the operator's client, routing the way real NIP-17 clients do.
@Suite(.serialized) struct ReachabilityEndToEndTests {
    /// The bot's announcement as the discovery relay serves it: the newest event of each kind.
    static func announcement(_ h: BotHarness, on relay: String) async throws -> [Int: Event] {
        let answer = try await h.peerCall([
            "op": "client_fetch_events", "sec": h.stranger.hex, "authors": [h.bot.publicKey.hex], "kinds": BotAnnouncement.kinds,
            "relays": [relay], "timeout": 3
        ])
        let events = answer.events ?? []
        return Dictionary(
            uniqueKeysWithValues: BotAnnouncement.kinds.compactMap { kind in
                RelayListEvent.newest(events, kind: kind, author: h.bot.publicKey.hex).map { (kind, $0) }
            })
    }

    static func awaitAnnouncement(
        _ h: BotHarness, on relay: String, timeout: TimeInterval = 30, until done: ([Int: Event]) -> Bool
    ) async throws -> [Int: Event] {
        let deadline = Date().addingTimeInterval(timeout)
        var latest: [Int: Event] = [:]
        while Date() < deadline {
            latest = try await announcement(h, on: relay)
            if done(latest) { return latest }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw RustNostrPeer.PeerError("the discovery relay does not serve the expected announcement: \(latest)")
    }

    /// The operator knows only the bot's key and one discovery relay. rust-nostr's gossip finds the bot's kind 10050
    /// there and sends the NIP-17 message to it; the bot looks up the operator's own 10050 (an AUTH-requiring relay
    /// outside relays.json) and answers there, where a client subscribed to that relay alone reads it.
    @Test func aGossipClientReachesTheBotAndReadsTheAnswerOnItsOwnInboxRelay() async throws {
        let discovery = try RelayProcess(.localRelay())
        let inbox = try RelayProcess(.localRelay(nip42: "both"))
        try await BotHarness.with([.localRelay()], reachability: { _ in #", "discovery_relays": ["\#(discovery.url)"]"# }) { h in
            let published = try await h.peerCall([
                "op": "client_publish", "sec": h.alice.hex, "kind": 10050, "tags": [["relay", inbox.url]], "relays": [discovery.url]
            ])
            #expect(published.success == [discovery.url])
            try h.startBot()
            try await h.waitUntilRunning()
            let lists = try await Self.awaitAnnouncement(h, on: discovery.url) { $0.count == 3 }
            let botRelay = h.relays[0].url
            #expect(lists[0]?.content.contains(#""bot":true"#) == true)
            #expect(lists[10050]?.tags == [["relay", botRelay]])
            #expect(lists[10002]?.tags == [["r", botRelay]])

            let sent = try await h.peerCall([
                "op": "client_send_gossip", "sec": h.alice.hex, "to": h.bot.publicKey.hex, "text": "whoami", "relays": [discovery.url]
            ])
            #expect(sent.success == [botRelay], "rust-nostr sent to the bot's 10050: \(sent.success ?? []) \(sent.failed ?? [:])")
            let deadline = Date().addingTimeInterval(20)
            var answers: [RustNostrPeer.Answer.Message] = []
            while answers.isEmpty && Date() < deadline {
                answers = try await h.replies(to: h.alice, relays: [inbox.url])
                if answers.isEmpty { try await Task.sleep(for: .milliseconds(300)) }
            }
            #expect(answers.count == 1 && answers.first?.scheme == "nip17")
            #expect(answers.first?.text.contains(h.alice.publicKey.npub) == true, "\(answers)")
            #expect(h.log().contains("relay lists looked up"))
            // The bot's own copy of that answer comes back on its inbox relay: dropped by id, not opened as a stranger's.
            try await Self.awaitLog(h, "reason=own_copy", count: 1)
            #expect(!h.log().contains("reason=stranger"))
        }
    }

    /// The profile and lists are published once; a restart without a change publishes nothing; a changed profile
    /// is published again at the next start, newer than the one it replaces, and the unchanged lists are not; a new
    /// discovery relay gets the current events as they are.
    @Test func announcementIsRepublishedAfterAConfigurationChangeOnly() async throws {
        let discovery = try RelayProcess(.localRelay())
        try await BotHarness.with([.localRelay()], reachability: { _ in #", "discovery_relays": ["\#(discovery.url)"]"# }) { h in
            try h.startBot()
            try await h.waitUntilRunning()
            let first = try await Self.awaitAnnouncement(h, on: discovery.url) { $0.count == 3 }
            try await Self.stop(h)

            try h.startBot()
            try await h.waitUntilRunning()
            try await Self.awaitLog(h, "profile and relay lists are up to date", count: 1)
            #expect(try await Self.announcement(h, on: discovery.url).mapValues(\.id) == first.mapValues(\.id))
            try await Self.stop(h)

            var config = try String(contentsOfFile: h.configPath, encoding: .utf8)
            config = config.replacingOccurrences(
                of: #""discovery_relays""#, with: #""profile": {"name": "gatebot", "about": "changed"}, "discovery_relays""#)
            try config.write(toFile: h.configPath, atomically: true, encoding: .utf8)
            try h.startBot()
            try await h.waitUntilRunning()
            let second = try await Self.awaitAnnouncement(h, on: discovery.url) { $0[0]?.content.contains("changed") == true }
            #expect(second[0]!.createdAt > first[0]!.createdAt)
            #expect(second[10050]?.id == first[10050]?.id && second[10002]?.id == first[10002]?.id)
            #expect(BotHarness.count("published the bot's profile", in: h.logFile) == 2)
            #expect(BotHarness.count("published the bot's DM inbox relays", in: h.logFile) == 1)

            // A relay added to discovery_relays gets the very events the others hold (same ids, nothing re-signed).
            try await Self.stop(h)
            let added = try RelayProcess(.localRelay())
            config = try String(contentsOfFile: h.configPath, encoding: .utf8)
            config = config.replacingOccurrences(of: #"["\#(discovery.url)"]"#, with: #"["\#(discovery.url)", "\#(added.url)"]"#)
            try config.write(toFile: h.configPath, atomically: true, encoding: .utf8)
            try h.startBot()
            try await h.waitUntilRunning()
            let copied = try await Self.awaitAnnouncement(h, on: added.url) { $0.count == 3 }
            #expect(copied.mapValues(\.id) == second.mapValues(\.id))
            #expect(try await Self.announcement(h, on: discovery.url).mapValues(\.id) == second.mapValues(\.id))
        }
    }

    static func stop(_ h: BotHarness) async throws {
        guard let process = h.process else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning && process.terminationStatus == 0)
    }

    static func awaitLog(_ h: BotHarness, _ needle: String, count: Int, timeout: TimeInterval = 20) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while BotHarness.count(needle, in: h.logFile) < count {
            guard Date() < deadline else { throw RustNostrPeer.PeerError("the log never said \"\(needle)\" \(count) time(s)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// The relay-list directory against a real relay: an answer never waits for a refresh, and concurrent first
/// lookups of one key share one.
@Suite(.serialized) struct RelayListDirectoryTests {
    @Test func staleListsAreServedAtOnceAndRefreshedByTheService() async throws {
        let relay = try RelayProcess(.localRelay())
        let logger = Logger(label: "test.directory")
        let onDemand = OnDemandRelays(keyPair: nil, logger: logger)
        let (person, other) = (KeyPair(secretKey: SecretKey.generate()), KeyPair(secretKey: SecretKey.generate()))
        let now = Int64(Date().timeIntervalSince1970)
        for (key, url) in [(person, "wss://new.example"), (other, "wss://other.example")] {
            let published = await onDemand.publish(
                RelayListEvent.inbox(relays: [url], createdAt: now).sign(with: key), to: [relay.url], timeout: .seconds(5))
            #expect(published.succeeded, "\(published.outcomes)")
        }
        let path = ScratchDirectory.root.appendingPathComponent("og-dir-\(UUID().uuidString)/inbox.sqlite").path
        let store = try InboxStore(path: path)
        try store.storeRelayLists(KnownRelayLists(inbox: ["wss://old.example"], inboxCreatedAt: 1, fetchedAt: now - 7200), of: person.publicKey.hex)
        let directory = RelayListDirectory(
            store: store, onDemand: onDemand, lookupRelays: [relay.url], people: [person.publicKey.hex], logger: logger, now: { now })

        let start = ContinuousClock.now
        #expect(await directory.lists(of: person.publicKey.hex).inbox == ["wss://old.example"], "stale, served at once")
        #expect(ContinuousClock.now - start < .milliseconds(500))
        #expect(await directory.lists(of: person.publicKey.hex, refresh: true).inbox == ["wss://new.example"])
        #expect(try store.relayLists(of: person.publicKey.hex)?.fetchedAt == now)

        async let first = directory.lists(of: other.publicKey.hex)
        async let second = directory.lists(of: other.publicKey.hex)
        let (a, b) = await (first, second)
        #expect(a.inbox == ["wss://other.example"] && a == b)
    }
}
