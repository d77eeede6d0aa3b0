import Foundation
import NostrCore
import NostrIngress
import Testing

@testable import Bot

/// What the bot publishes about itself and where its answers go: the configuration, the announcement's comparison
/// with what relays hold, the routing table and the merging of looked-up lists.
@Suite struct BotReachabilityTests {
    static let bot = KeyPair(secretKey: SecretKey.generate())
    static let relays = try! RelayList([
        RelayEndpoint(url: "ws://127.0.0.1:1", read: true, write: true), RelayEndpoint(url: "ws://127.0.0.1:2", read: true, write: false),
        RelayEndpoint(url: "ws://127.0.0.1:3", read: false, write: true)
    ])

    static func reachability(_ extra: String) throws -> BotReachability {
        try BotConfiguration.parse(Data(BotConfigurationTests.json(extra: extra).utf8), directory: "/etc/og").reachability
    }

    @Test func configurationDefaultsAndOverrides() throws {
        let defaults = try Self.reachability("")
        #expect(defaults.profile == BotReachability.defaultProfile && defaults.profile.about.contains("help"))
        #expect(defaults.discoveryRelays == BotReachability.defaultDiscoveryRelays && defaults.dmRelays == nil)
        #expect(defaults.inboxRelays(Self.relays) == ["ws://127.0.0.1:1", "ws://127.0.0.1:2"], "the read relays")
        let set = try Self.reachability(
            #", "profile": {"name": "gb", "about": "hi", "nip05": "gb@x"}, "dm_relays": ["WS://Inbox.Example/"], "discovery_relays": [], "on_demand_relays": 3"#
        )
        #expect(set.profile == BotProfile(name: "gb", displayName: "gb", about: "hi", nip05: "gb@x"))
        #expect(set.dmRelays == ["ws://inbox.example"] && set.discoveryRelays.isEmpty && set.onDemandConnections == 3)
        let reading = try set.readingList(Self.relays)
        #expect(reading.relays.last == RelayEndpoint(url: "ws://inbox.example", read: true, write: false))
        #expect(reading.writeRelays == Self.relays.writeRelays, "a DM inbox relay is read, not written")
    }

    @Test func badRelayAddressesNameTheirField() {
        func field(_ extra: String) -> String? {
            do { _ = try Self.reachability(extra) } catch { return "\(error)" }
            return nil
        }
        #expect(field(#", "dm_relays": ["https://x"]"#)?.hasPrefix("dm_relays[0]: \"https://x\" is not a ws://") == true)
        #expect(field(#", "dm_relays": []"#)?.hasPrefix("dm_relays: empty") == true)
        #expect(field(#", "discovery_relays": ["wss://ok", "nope"]"#)?.hasPrefix("discovery_relays[1]") == true)
        #expect(field(#", "on_demand_relays": 0"#)?.hasPrefix("on_demand_relays: must be 1...256") == true)
        #expect(field(#", "profile": {"nmae": "x"}"#)?.hasPrefix("profile.nmae: unknown; known: about, display_name") == true)
        #expect(field(#", "profile": {"name": 3}"#)?.hasPrefix("profile.name: wrong type") == true)
        let entry = #"{"npub": "\#(BotConfigurationTests.alice.npub)", "repos": ["a/*"], "relays": ["ftp://x"]}"#
        do {
            _ = try BotConfiguration.parse(Data(BotConfigurationTests.json(entry).utf8), directory: "/")
            Issue.record("accepted an ftp relay")
        } catch { #expect(error.field == "operators[0].relays[0]") }
    }

    @Test func announcementPublishesOnlyWhatDiffersDatedAfterWhatItReplaces() {
        let announcement = BotAnnouncement(reachability: BotReachability(dmRelays: ["wss://inbox"]), relays: Self.relays)
        let author = Self.bot.publicKey.hex
        let fresh = announcement.outdated(existing: [], author: author, now: 1000)
        #expect(fresh.map(\.kind) == [0, 10050, 10002])
        #expect(fresh[1].tags == [["relay", "wss://inbox"]])
        #expect(fresh[2].tags == [["r", "ws://127.0.0.1:1"], ["r", "ws://127.0.0.1:2", "read"], ["r", "ws://127.0.0.1:3", "write"]])
        let held = fresh.map { $0.sign(with: Self.bot) }
        #expect(announcement.outdated(existing: held, author: author, now: 2000).isEmpty, "a restart without a change publishes nothing")
        #expect(announcement.outdated(existing: held, author: "ab", now: 2000).count == 3, "someone else's lists do not count")
        let lacking = announcement.lacking(held: [("wss://has", held), ("wss://empty", []), ("wss://partial", [held[0]])], author: author)
        #expect(lacking == [0: ["wss://empty"], 10050: ["wss://empty", "wss://partial"], 10002: ["wss://empty", "wss://partial"]])
        let reach = BotReachability(discoveryRelays: ["ws://127.0.0.1:3", "ws://127.0.0.1:2", "wss://index"])
        #expect(reach.announcementRelays(Self.relays) == ["ws://127.0.0.1:1", "ws://127.0.0.1:3", "ws://127.0.0.1:2", "wss://index"])

        var changed = BotReachability(dmRelays: ["wss://inbox"])
        changed.profile.about = "new words"
        let future = BotProfile(name: "x", displayName: "x", about: "x").template(createdAt: 5000).sign(with: Self.bot)
        let again = BotAnnouncement(reachability: changed, relays: Self.relays).outdated(existing: held + [future], author: author, now: 2000)
        #expect(again.map(\.kind) == [0])
        #expect(again.first?.createdAt == 5001, "newer than the newest copy, even one from a clock ahead")
        #expect(again.first?.content.contains("new words") == true)
    }

    @Test func routeFollowsTheWorkedTable() {
        let write = ["wss://w"]
        let lists = KnownRelayLists(inbox: ["wss://i"], read: ["wss://r"], fetchedAt: 0)
        let onlyRead = KnownRelayLists(read: ["wss://r"], fetchedAt: 0)
        let onlyInbox = KnownRelayLists(inbox: ["wss://i"], fetchedAt: 0)
        func plan(_ scheme: DeliveryRoute.Scheme, _ configured: [String]?, _ lists: KnownRelayLists?) -> DeliveryRoute {
            DeliveryRoute.plan(scheme: scheme, configured: configured, lists: lists, botWriteRelays: write)
        }
        #expect(plan(.nip17, ["wss://c"], lists) == DeliveryRoute(relays: ["wss://c"], source: .configured))
        #expect(plan(.nip17, nil, lists) == DeliveryRoute(relays: ["wss://i"], source: .inboxList))
        #expect(plan(.nip17, nil, onlyRead) == DeliveryRoute(relays: ["wss://r"], source: .readRelays))
        #expect(plan(.nip17, nil, nil) == DeliveryRoute(relays: write, source: .writeRelays))
        #expect(plan(.nip04, ["wss://c"], lists) == DeliveryRoute(relays: ["wss://c"], source: .configured))
        #expect(plan(.nip04, nil, lists) == DeliveryRoute(relays: ["wss://r"], source: .readRelays))
        #expect(plan(.nip04, nil, onlyInbox) == DeliveryRoute(relays: write, source: .writeRelays))
        #expect(plan(.nip17, [], KnownRelayLists(fetchedAt: 0)).source == .writeRelays)
    }

    @Test func lookedUpListsMergeNewerOnlyAndKeepUsableURLs() {
        let person = KeyPair(secretKey: SecretKey.generate())
        let author = person.publicKey.hex
        let inbox = RelayListEvent.inbox(relays: ["WSS://Inbox.Example/", "https://no", "wss://inbox.example"], createdAt: 100).sign(with: person)
        let nip65 = RelayListEvent.relayList(
            [.init(url: "wss://r", read: true, write: false), .init(url: "wss://w", read: false, write: true)], createdAt: 100
        ).sign(with: person)
        let first = KnownRelayLists(fetchedAt: 0).merging([inbox, nip65], author: author, fetchedAt: 10, usable: RelayList.normalizedURL)
        #expect(first.inbox == ["wss://inbox.example"] && first.read == ["wss://r"] && first.fetchedAt == 10)
        let older = RelayListEvent.inbox(relays: ["wss://older"], createdAt: 50).sign(with: person)
        #expect(first.merging([older], author: author, fetchedAt: 20, usable: RelayList.normalizedURL).inbox == ["wss://inbox.example"])
        let newer = RelayListEvent.inbox(relays: ["wss://newer"], createdAt: 150).sign(with: person)
        let updated = first.merging([newer], author: author, fetchedAt: 30, usable: RelayList.normalizedURL)
        #expect(updated.inbox == ["wss://newer"] && updated.read == ["wss://r"] && updated.inboxCreatedAt == 150)
        let forged = RelayListEvent.inbox(relays: ["wss://evil"], createdAt: 999).sign(with: Self.bot)
        #expect(first.merging([forged], author: author, fetchedAt: 40, usable: RelayList.normalizedURL).inbox == ["wss://inbox.example"])
    }

    @Test func refusingRelaysRestByTheTableAndAnAcceptClearsThem() {
        #expect(
            (1...9).map { RefusingRelays.rest(afterRefusals: $0) } == [
                nil, nil, .seconds(60), .seconds(120), .seconds(240), .seconds(480), .seconds(960), .seconds(1800), .seconds(1800)
            ])
        var book = RefusingRelays()
        let start = ContinuousClock.now
        #expect(book.record("wss://a", outcome: .rejected(message: "blocked: no"), now: start) == nil)
        #expect(book.record("wss://a", outcome: .timedOut, now: start) == nil)
        #expect(book.record("wss://a", outcome: .notConnected("refused"), now: start) == .seconds(60))
        #expect(book.isResting("wss://a", now: start + .seconds(59)) && !book.isResting("wss://a", now: start + .seconds(60)))
        #expect(book.usable(["wss://a", "wss://b"], now: start + .seconds(1)) == ["wss://b"])
        #expect(book.usable(["wss://a"], now: start + .seconds(1)) == ["wss://a"], "never nowhere to go")
        #expect(book.record("wss://a", outcome: .retryable(message: "rate-limited:"), now: start + .seconds(61)) == .seconds(120))
        book.record("wss://a", outcome: .accepted(message: ""), now: start + .seconds(200))
        #expect(!book.isResting("wss://a", now: start + .seconds(200)))
        #expect(book.record("wss://a", outcome: .timedOut, now: start + .seconds(201)) == nil, "the count starts over")
    }
}
