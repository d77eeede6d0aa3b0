import Foundation
import Logging
import NostrCore
import Testing

@testable import NostrIngress

@Suite struct InboxCursorTests {
    @Test func firstStartLooksBack() {
        let cursor = InboxCursor()
        #expect(cursor.nip04Since(now: 10_000_000, lookback: 600) == 10_000_000 - 600)
        #expect(cursor.giftWrapSince(now: 10_000_000, lookback: 600) == 10_000_000 - 600 - 172_800)
    }

    @Test func resumeReachesBackFiveMinutesAndTwoDaysForWraps() {
        let cursor = InboxCursor(nip04: 9_000_000, nip17: 9_500_000)
        #expect(cursor.nip04Since(now: 10_000_000, lookback: 600) == 9_000_000 - 300)
        #expect(cursor.giftWrapSince(now: 10_000_000, lookback: 600) == 9_500_000 - 300 - 172_800)
        let key = SecretKey.generate().publicKey
        let filters = cursor.filters(recipient: key, now: 10_000_000, lookback: 600)
        #expect(filters["inbox-nip04"] == [Filter(kinds: [4], tags: ["p": [key.hex]], since: 8_999_700)])
        #expect(filters["inbox-nip17"] == [Filter(kinds: [1059], tags: ["p": [key.hex]], since: 9_326_900)])
    }

    /// Named kind-4 authors go into the kind-4 filter only (gift wraps come from one-time keys).
    @Test func kind4AuthorsNarrowTheNIP04FilterOnly() {
        let key = SecretKey.generate().publicKey
        let authors = [String(repeating: "a", count: 64), String(repeating: "b", count: 64)]
        let filters = InboxCursor().filters(recipient: key, now: 10_000_000, lookback: 600, nip04Authors: authors)
        #expect(filters["inbox-nip04"] == [Filter(authors: authors, kinds: [4], tags: ["p": [key.hex]], since: 10_000_000 - 600)])
        #expect(filters["inbox-nip04"]?[0].jsonString.contains(#""authors":["\#(authors[0])","\#(authors[1])"]"#) == true)
        #expect(filters["inbox-nip17"]?[0].authors == nil)
    }

    /// `since` values stop at the epoch instead of going negative or overflowing, whatever the inputs.
    @Test func sinceValuesNeverTrap() {
        #expect(InboxCursor().nip04Since(now: 100, lookback: .max) == 0)
        #expect(InboxCursor().giftWrapSince(now: 100, lookback: 600) == 0)
        #expect(InboxCursor(nip04: .max, nip17: .max).nip04Since(now: .max, lookback: .max) == Int64.max - InboxCursor.skew)
        #expect(InboxCursor(nip04: 0, nip17: 0).earliestMessageTime(now: 0, lookback: .max) == (0, 0))
    }

    @Test func cursorsNeverMoveBackOrPastNow() {
        var cursor = InboxCursor()
        cursor.advance(scheme: .nip04, messageTime: 500, now: 1000)
        cursor.advance(scheme: .nip04, messageTime: 400, now: 1000)
        #expect(cursor.nip04 == 500)
        cursor.advance(scheme: .nip17, messageTime: 99_999, now: 1000)
        #expect(cursor.nip17 == 1000)
    }
}

@Suite struct RelayListTests {
    @Test func defaultsAndNormalization() throws {
        let list = try RelayList.parse(Data(#"{"relays":[{"url":"WSS://Relay.Example/"},{"url":"ws://127.0.0.1:7777","write":false}]}"#.utf8))
        #expect(
            list.relays == [
                RelayEndpoint(url: "wss://relay.example", read: true, write: true),
                RelayEndpoint(url: "ws://127.0.0.1:7777", read: true, write: false)
            ])
        #expect(list.writeRelays.map(\.url) == ["wss://relay.example"])
    }

    @Test func errorsNameTheEntry() {
        func listError(_ json: String) -> RelayListError? {
            do {
                _ = try RelayList.parse(Data(json.utf8), requireRead: true, requireWrite: true)
                return nil
            } catch let failure {
                return failure
            }
        }
        #expect(listError(#"{"relays":[]}"#) == .empty)
        #expect(
            listError(#"{"relays":[{"url":"https://x"}]}"#) == .invalidURL(index: 0, url: "https://x", reason: "scheme must be ws or wss, not https"))
        #expect(listError(#"{"relays":[{"url":"wss://a"},{"url":"wss://A/"}]}"#) == .duplicate(index: 1, url: "wss://A/", firstIndex: 0))
        #expect(listError(#"{"relays":[{"url":"wss://a","write":false}]}"#) == .noWriteRelay)
        #expect(listError(#"{"relays":[{"url":"wss://a","read":"yes"}]}"#) == .malformed("wrong type at relays[0].read"))
        #expect(listError(#"{"relay":[]}"#) == .malformed("missing \"relays\" at top level"))
        #expect(RelayListError.duplicate(index: 1, url: "wss://A/", firstIndex: 0).description == "relays[1] \"wss://A/\" repeats relays[0]")
    }

    @Test func theShippedRelaysFileIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let list = try RelayList.load(path: root.appendingPathComponent("relays.json").path, requireRead: true, requireWrite: true)
        #expect(list.relays.count >= 3)
        #expect(list.relays.allSatisfy { $0.url.hasPrefix("wss://") })
    }
}
