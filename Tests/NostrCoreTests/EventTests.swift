import Encoding
import Foundation
import Testing

@testable import NostrCore

@Suite struct EventTests {
    static let pubkey = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"

    static func serialize(_ content: String, tags: [[String]] = []) -> String {
        String(decoding: Event.canonicalSerialization(pubkey: pubkey, createdAt: 1, kind: 1, tags: tags, content: content), as: UTF8.self)
    }

    @Test func layoutHasNoWhitespace() {
        #expect(
            Self.serialize("hi", tags: [["p", "x"], ["e", "y", "wss://r"]])
                == #"[0,"79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",1,1,[["p","x"],["e","y","wss://r"]],"hi"]"#)
    }

    /// NIP-01's seven escapes, and `\u00XX` (lowercase) for the other control characters.
    @Test func everyControlCharacter() {
        let expected = [
            #"\u0000"#, #"\u0001"#, #"\u0002"#, #"\u0003"#, #"\u0004"#, #"\u0005"#, #"\u0006"#, #"\u0007"#,
            #"\b"#, #"\t"#, #"\n"#, #"\u000b"#, #"\f"#, #"\r"#, #"\u000e"#, #"\u000f"#,
            #"\u0010"#, #"\u0011"#, #"\u0012"#, #"\u0013"#, #"\u0014"#, #"\u0015"#, #"\u0016"#, #"\u0017"#,
            #"\u0018"#, #"\u0019"#, #"\u001a"#, #"\u001b"#, #"\u001c"#, #"\u001d"#, #"\u001e"#, #"\u001f"#
        ]
        for code in 0..<32 {
            let content = "a" + String(UnicodeScalar(UInt8(code))) + "b"
            #expect(CanonicalJSON.quoted(content) == "\"a" + expected[code] + "b\"", "U+\(String(code, radix: 16))")
        }
    }

    @Test func quotesBackslashesAndRawCharacters() {
        #expect(CanonicalJSON.quoted(#"say "hi" \ bye"#) == #""say \"hi\" \\ bye""#)
        // `/`, DEL, U+2028, U+2029, emoji and non-BMP characters stay raw UTF-8.
        let raw = "a/b\u{7f}\u{2028}\u{2029}é🎉𝄞"
        #expect(CanonicalJSON.quoted(raw) == "\"" + raw + "\"")
        #expect(Array(CanonicalJSON.quoted("🎉").utf8) == [0x22, 0xf0, 0x9f, 0x8e, 0x89, 0x22])
    }

    @Test func tagsAreEscapedLikeContent() {
        #expect(Self.serialize("", tags: [["t", "a\"b\n"]]).hasSuffix(#"[["t","a\"b\n"]],""]"#))
    }

    /// An id computed by hand for a fixed event (sha256 of the serialization above).
    @Test func idIsSHA256OfSerialization() throws {
        let keyPair = KeyPair(secretKey: try SecretKey(bytes: hex("0000000000000000000000000000000000000000000000000000000000000003")))
        let event = EventTemplate(kind: 1, content: "a\u{1}\u{2028}/\"x", tags: [["p", "ab"]], createdAt: 1_700_000_000).sign(with: keyPair)
        // Reference id produced by rust-nostr (nostr-sdk 0.45.1) for the same fields.
        #expect(event.id == "136436fda5a28840c730d9bd3d74d4f0679032d47027d12abc38430f543fb4c1")
        try event.verify()
    }

    @Test func signedEventsRoundTripThroughJSON() throws {
        let keyPair = KeyPair(secretKey: .generate())
        let event = EventTemplate(kind: 4, content: "line\n\"quoted\" ünï 🎉", tags: [["p", Self.pubkey]], createdAt: 1_800_000_000).sign(
            with: keyPair)
        let parsed = try Event.parse(event.jsonString)
        #expect(parsed == event)
        try parsed.verify()
    }

    @Test func verifyCatchesEveryKindOfTampering() throws {
        let keyPair = KeyPair(secretKey: .generate())
        let e = EventTemplate(kind: 1, content: "x", createdAt: 100).sign(with: keyPair)
        let other = KeyPair(secretKey: .generate()).publicKey.hex
        let cases: [(Event, String)] = [
            (Event(id: e.id, pubkey: e.pubkey, createdAt: 101, kind: 1, tags: [], content: "x", sig: e.sig), "created_at"),
            (Event(id: e.id, pubkey: e.pubkey, createdAt: 100, kind: 1, tags: [], content: "y", sig: e.sig), "content"),
            (Event(id: e.id, pubkey: e.pubkey, createdAt: 100, kind: 1, tags: [["p", "z"]], content: "x", sig: e.sig), "tags"),
            (Event(id: e.id, pubkey: other, createdAt: 100, kind: 1, tags: [], content: "x", sig: e.sig), "pubkey")
        ]
        for (event, field) in cases {
            #expect(throws: EventError.self, "tampered \(field)") { try event.verify() }
        }
        // Right id, wrong signature.
        var sig = Array(e.sig)
        sig[0] = sig[0] == "0" ? "1" : "0"
        #expect(throws: EventError.badSignature) {
            try Event(id: e.id, pubkey: e.pubkey, createdAt: 100, kind: 1, tags: [], content: "x", sig: String(sig)).verify()
        }
    }

    @Test func strictDecodingNamesTheField() throws {
        let keyPair = KeyPair(secretKey: .generate())
        let good = EventTemplate(kind: 1, content: "x", createdAt: 100).sign(with: keyPair)
        func mutate(_ change: (inout [String: Any]) -> Void) throws -> String {
            var object = try JSONSerialization.jsonObject(with: Data(good.jsonString.utf8)) as! [String: Any]
            change(&object)
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        #expect(throws: EventError.invalidHex(field: "id", expectedCharacters: 64)) {
            try Event.parse(try mutate { $0["id"] = good.id.uppercased() })
        }
        #expect(throws: EventError.invalidHex(field: "pubkey", expectedCharacters: 64)) { try Event.parse(try mutate { $0["pubkey"] = "abc" }) }
        #expect(throws: EventError.invalidHex(field: "sig", expectedCharacters: 128)) {
            try Event.parse(try mutate { $0["sig"] = String(good.sig.dropLast(2)) })
        }
        #expect(throws: EventError.wrongType(field: "created_at", expected: "an integer number of seconds")) {
            try Event.parse(try mutate { $0["created_at"] = 1.5 })
        }
        #expect(throws: EventError.wrongType(field: "created_at", expected: "an integer number of seconds")) {
            try Event.parse(try mutate { $0["created_at"] = "100" })
        }
        #expect(throws: EventError.negativeCreatedAt(-1)) { try Event.parse(try mutate { $0["created_at"] = -1 }) }
        #expect(throws: EventError.kindOutOfRange(70000)) { try Event.parse(try mutate { $0["kind"] = 70000 }) }
        #expect(throws: EventError.wrongType(field: "tags", expected: "an array of arrays of strings")) {
            try Event.parse(try mutate { $0["tags"] = [["p", 1]] })
        }
        #expect(throws: EventError.missingField("content")) { try Event.parse(try mutate { $0["content"] = nil }) }
        #expect(throws: EventError.self) { try Event.parse("[1,2]") }
        #expect(throws: EventError.self) { try Event.parse("{\"id\":") }
    }

    @Test func parsingDoesNotVerify() throws {
        let keyPair = KeyPair(secretKey: .generate())
        let e = EventTemplate(kind: 1, content: "x", createdAt: 100).sign(with: keyPair)
        let forged = e.jsonString.replacingOccurrences(of: "\"content\":\"x\"", with: "\"content\":\"y\"")
        let parsed = try Event.parse(forged)
        #expect(parsed.content == "y")
        #expect(!parsed.isValid)
    }

    @Test func auth22242Event() throws {
        let keyPair = KeyPair(secretKey: .generate())
        let event = NIP42.authEvent(relayURL: "ws://127.0.0.1:7777", challenge: "c-123", keyPair: keyPair, now: 1_800_000_000)
        #expect(event.kind == 22242)
        #expect(event.tags == [["relay", "ws://127.0.0.1:7777"], ["challenge", "c-123"]])
        #expect(event.createdAt == 1_800_000_000)
        try event.verify()
    }
}
