import Testing

@testable import NostrCore

@Suite struct RelayMessageTests {
    static let event = EventTemplate(kind: 4, content: "hi/there", tags: [["p", String(repeating: "a", count: 64)]], createdAt: 1_800_000_000)
        .sign(with: KeyPair(secretKey: .generate()))

    @Test func relayMessagesRoundTrip() throws {
        let messages: [RelayMessage] = [
            .event(subscriptionID: "inbox", event: Self.event),
            .ok(eventID: Self.event.id, accepted: true, message: ""),
            .ok(eventID: "", accepted: false, message: "invalid: bad signature"),
            .eose(subscriptionID: "inbox"),
            .closed(subscriptionID: "inbox", message: "auth-required: you must auth"),
            .notice("slow down"),
            .auth(challenge: "challenge-\u{1}")
        ]
        for message in messages {
            #expect(try RelayMessage.parse(message.jsonString) == message, "\(message.jsonString)")
        }
    }

    @Test func clientMessagesRoundTrip() throws {
        let filter = Filter(kinds: [4, 1059], tags: ["p": [String(repeating: "b", count: 64)]], since: 1_799_000_000, limit: 500)
        let messages: [ClientMessage] = [
            .event(Self.event),
            .req(subscriptionID: "inbox", filters: [filter, Filter(ids: [Self.event.id])]),
            .close(subscriptionID: "inbox"),
            .auth(Self.event)
        ]
        for message in messages {
            #expect(try ClientMessage.parse(message.jsonString) == message, "\(message.jsonString)")
        }
        #expect(
            ClientMessage.req(subscriptionID: "s", filters: [filter]).jsonString
                == ##"["REQ","s",{"kinds":[4,1059],"#p":["\##(String(repeating: "b", count: 64))"],"since":1799000000,"limit":500}]"##)
    }

    @Test func parsesFramesAsRealRelaysSendThem() throws {
        // nostr-relay 1.14 answers a rejected EVENT with an empty id; LocalRelay sends the prefix texts below.
        #expect(
            try RelayMessage.parse(#"["OK","",false,"invalid: event creation date is too far off from the current time"]"#)
                == .ok(eventID: "", accepted: false, message: "invalid: event creation date is too far off from the current time"))
        #expect(try RelayMessage.parse(#"[ "EOSE" , "s1" ]"#) == .eose(subscriptionID: "s1"))
        #expect(try RelayMessage.parse(#"["CLOSED","s1"]"#) == .closed(subscriptionID: "s1", message: ""))
        #expect(try RelayMessage.parse(#"["OK","abc",true]"#) == .ok(eventID: "abc", accepted: true, message: ""))
    }

    @Test func machineReadablePrefixes() throws {
        let expected: [String: MachineReadablePrefix] = [
            "duplicate: already have it": .duplicate, "auth-required: you must auth": .authRequired,
            "rate-limited: slow down": .rateLimited, "invalid: bad sig": .invalid, "blocked: no": .blocked,
            "restricted: not allowed": .restricted, "error: db down": .error, "pow: difficulty 20": .pow, "mute: x": .mute
        ]
        for (text, prefix) in expected {
            #expect(try RelayMessage.parse(RelayMessage.ok(eventID: "x", accepted: false, message: text).jsonString).prefix == prefix)
            #expect(try RelayMessage.parse(RelayMessage.closed(subscriptionID: "s", message: text).jsonString).prefix == prefix)
        }
        #expect(MachineReadablePrefix(message: "no prefix here") == nil)
        #expect(MachineReadablePrefix(message: "weird: prefix") == nil)
        #expect(RelayMessage.notice("duplicate: x").prefix == nil)
    }

    @Test func malformedFramesAreErrorValues() {
        let cases: [(String, FrameError)] = [
            ("", .malformed("invalid JSON")),
            ("{}", .malformed("not a JSON array")),
            ("[]", .malformed("empty array")),
            ("[1]", .malformed("first element is not a string")),
            (#"["PING"]"#, .unknownType("PING")),
            (#"["EOSE"]"#, .invalidField(type: "EOSE", position: 1, expected: "a subscription id")),
            (#"["EOSE",""]"#, .invalidField(type: "EOSE", position: 1, expected: "a subscription id of 1...64 bytes")),
            (#"["OK","x","yes","m"]"#, .invalidField(type: "OK", position: 2, expected: "true or false")),
            (#"["NOTICE",5]"#, .invalidField(type: "NOTICE", position: 1, expected: "a string")),
            (#"["EVENT","s"]"#, .invalidField(type: "EVENT", position: 2, expected: "an event object")),
            (#"["EVENT","s",{"id":"x"}]"#, .invalidEvent(.invalidHex(field: "id", expectedCharacters: 64)))
        ]
        for (frame, expected) in cases {
            do {
                let message = try RelayMessage.parse(frame)
                Issue.record("\(frame) parsed as \(message)")
            } catch {
                if case .malformed = expected, case .malformed = error { continue }
                #expect(error == expected, "\(frame)")
            }
        }
    }

    @Test func filterMatching() {
        let e = Self.event
        #expect(Filter(kinds: [4]).matches(e))
        #expect(!Filter(kinds: [1059]).matches(e))
        #expect(Filter(tags: ["p": [String(repeating: "a", count: 64)]]).matches(e))
        #expect(!Filter(tags: ["p": [String(repeating: "c", count: 64)]]).matches(e))
        #expect(Filter(since: e.createdAt, until: e.createdAt).matches(e))
        #expect(!Filter(since: e.createdAt + 1).matches(e))
        #expect(!Filter(authors: [String(repeating: "0", count: 64)]).matches(e))
    }

    @Test func unknownFilterKeysAreRefused() {
        #expect(throws: FrameError.self) { try ClientMessage.parse(#"["REQ","s",{"kinds":[1],"search":"x"}]"#) }
    }
}
