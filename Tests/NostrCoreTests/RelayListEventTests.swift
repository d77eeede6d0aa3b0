import Testing

@testable import NostrCore

/// The bot's kind-0 profile and the relay-list kinds 10050 / 10002: exact bytes out, bounded reading in.
@Suite struct RelayListEventTests {
    static let key = KeyPair(secretKey: try! SecretKey(parsing: String(repeating: "0", count: 63) + "3"))

    @Test func profileContentIsFixedOrderCanonicalJSONWithTheBotFlag() {
        let plain = BotProfile(name: "gatebot", displayName: "Gate Bot", about: "Send `help` by DM")
        #expect(plain.content == #"{"name":"gatebot","display_name":"Gate Bot","about":"Send `help` by DM","bot":true}"#)
        let full = BotProfile(
            name: "g\"b", displayName: "Gate\nBot", about: "a", picture: "https://x/p.png", nip05: "bot@x", website: "https://x")
        #expect(
            full.content
                == #"{"name":"g\"b","display_name":"Gate\nBot","about":"a","picture":"https://x/p.png","nip05":"bot@x","website":"https://x","bot":true}"#
        )
        let template = full.template(createdAt: 42)
        #expect(template.kind == 0 && template.tags.isEmpty && template.createdAt == 42)
    }

    @Test func inboxListIsOneRelayTagPerURLAndReadsBack() {
        let template = RelayListEvent.inbox(relays: ["wss://a", "wss://b"], createdAt: 7)
        #expect(template.kind == 10050)
        #expect(template.tags == [["relay", "wss://a"], ["relay", "wss://b"]])
        let event = template.sign(with: Self.key)
        #expect(RelayListEvent.inboxRelays(in: event) == ["wss://a", "wss://b"])
        #expect(RelayListEvent.entries(in: event).isEmpty, "a 10050 is not a 10002")
    }

    @Test func relayListMarksReadOnlyAndWriteOnlyRelaysAndDropsNeither() {
        let entries = [
            RelayListEvent.Entry(url: "wss://both", read: true, write: true),
            RelayListEvent.Entry(url: "wss://in", read: true, write: false),
            RelayListEvent.Entry(url: "wss://out", read: false, write: true),
            RelayListEvent.Entry(url: "wss://none", read: false, write: false)
        ]
        let template = RelayListEvent.relayList(entries, createdAt: 1)
        #expect(template.kind == 10002)
        #expect(template.tags == [["r", "wss://both"], ["r", "wss://in", "read"], ["r", "wss://out", "write"]])
        #expect(RelayListEvent.entries(in: template.sign(with: Self.key)) == Array(entries.prefix(3)))
    }

    @Test func readingIsBoundedDeduplicatedAndIgnoresOtherTagsAndMarkers() {
        var tags: [[String]] = [["relay"], ["p", "x"], ["relay", "wss://dup"], ["relay", "wss://dup"]]
        tags.append(["relay", "wss://" + String(repeating: "l", count: RelayListEvent.maximumURLBytes)])
        tags += (0..<40).map { ["relay", "wss://r\($0)"] }
        let inbox = EventTemplate(kind: 10050, content: "", tags: tags, createdAt: 1).sign(with: Self.key)
        let relays = RelayListEvent.inboxRelays(in: inbox)
        #expect(relays.count == RelayListEvent.maximumRelays)
        #expect(relays.first == "wss://dup" && relays.dropFirst().first == "wss://r0")
        let odd = EventTemplate(kind: 10002, content: "", tags: [["r", "wss://a", "sideways"], ["r", "wss://b", "read"]], createdAt: 1)
        let entries = RelayListEvent.entries(in: odd.sign(with: Self.key))
        #expect(entries == [.init(url: "wss://a", read: false, write: false), .init(url: "wss://b", read: true, write: false)])
    }

    @Test func newestIsLatestCreatedAtThenLowestIdAndOnlyTheAuthorsOwnKind() {
        let other = KeyPair(secretKey: try! SecretKey(parsing: String(repeating: "0", count: 63) + "4"))
        let old = RelayListEvent.inbox(relays: ["wss://old"], createdAt: 10).sign(with: Self.key)
        let tieA = RelayListEvent.inbox(relays: ["wss://a"], createdAt: 20).sign(with: Self.key)
        let tieB = RelayListEvent.inbox(relays: ["wss://b"], createdAt: 20).sign(with: Self.key)
        let foreign = RelayListEvent.inbox(relays: ["wss://f"], createdAt: 99).sign(with: other)
        let wrongKind = RelayListEvent.relayList([.init(url: "wss://r", read: true, write: true)], createdAt: 99).sign(with: Self.key)
        let newest = RelayListEvent.newest([old, tieA, foreign, tieB, wrongKind], kind: 10050, author: Self.key.publicKey.hex)
        #expect(newest?.id == min(tieA.id, tieB.id))
        #expect(RelayListEvent.newest([foreign], kind: 10050, author: Self.key.publicKey.hex) == nil)
    }
}
