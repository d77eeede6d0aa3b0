import Foundation
import TestSupport
import Testing

@testable import NostrCore

/// The EVENT fast path gives exactly the full decoder's event whenever it answers, and leaves everything unusual
/// to the full decoder (which accepts or rejects it as before).
@Suite struct EventFrameScannerTests {
    let keyPair = KeyPair(secretKey: SecretKey.generate())

    func frame(kind: Int = 4, content: String = "x", tags: [[String]] = [], subscription: String = "inbox") -> String {
        let event = EventTemplate(kind: kind, content: content, tags: tags, createdAt: 1_800_000_000).sign(with: keyPair)
        return RelayMessage.event(subscriptionID: subscription, event: event).jsonString
    }

    func event(_ frame: String) throws -> (String, Event)? {
        guard case .event(let subscription, let event) = try RelayMessage.decodeFully(frame) else { return nil }
        return (subscription, event)
    }

    @Test func takesPlainFramesAndMatchesTheDecoder() throws {
        for text in [
            frame(), frame(kind: 1059, content: "QUJD+/==", tags: [["p", keyPair.publicKey.hex], [], ["e", "x", "", "wss://r/"]]),
            frame(content: "ünïcødé 🗝 and / and \u{7f}", subscription: String(repeating: "s", count: 64))
        ] {
            let fast = try #require(EventFrameScanner.scan(text))
            let full = try #require(try event(text))
            #expect(fast.subscriptionID == full.0)
            #expect(fast.event == full.1)
            #expect(fast.event.isValid)
        }
        let spaced = """
             [ "EVENT" , "s" , { "tags" : [ [ "p" , "a" ] , [ ] ] , "content" : "hi" , "kind" : 4 , "created_at" : 0 ,
               "pubkey" : "\(String(repeating: "a", count: 64))" , "id" : "\(String(repeating: "0", count: 64))" ,
               "sig" : "\(String(repeating: "f", count: 128))" } ]\n
            """
        let fast = try #require(EventFrameScanner.scan(spaced))
        #expect(fast.event == (try event(spaced))?.1)
        #expect(fast.event.tags == [["p", "a"], []] && fast.event.createdAt == 0)
    }

    @Test func leavesUnusualFramesToTheDecoder() throws {
        let plain = frame()
        let cases: [(String, String)] = [
            ("escape in content", frame(content: "line\nbreak")),
            ("escape in a tag", frame(tags: [["p", "a\"b"]])),
            ("extra field", plain.replacingOccurrences(of: "{\"id\"", with: "{\"extra\":1,\"id\"")),
            ("duplicate kind", plain.replacingOccurrences(of: "\"kind\":4", with: "\"kind\":4,\"kind\":4")),
            ("kind as float", plain.replacingOccurrences(of: "\"kind\":4", with: "\"kind\":4.0")),
            ("kind with exponent", plain.replacingOccurrences(of: "\"kind\":4", with: "\"kind\":4e0")),
            ("kind out of range", plain.replacingOccurrences(of: "\"kind\":4", with: "\"kind\":65536")),
            ("negative time", plain.replacingOccurrences(of: "1800000000", with: "-1800000000")),
            ("leading zero", plain.replacingOccurrences(of: "1800000000", with: "01800000000")),
            ("uppercase hex", plain.replacingOccurrences(of: #""id":"[0-9a-f]"#, with: "\"id\":\"A", options: .regularExpression)),
            ("empty subscription", frame(subscription: "")),
            ("long subscription", frame(subscription: String(repeating: "s", count: 65))),
            ("non-ASCII subscription", frame(subscription: "ü")),
            ("trailing element", String(plain.dropLast()) + ",1]"),
            ("trailing garbage", plain + "x"),
            ("missing sig", plain.replacingOccurrences(of: #","sig":"[0-9a-f]+""#, with: "", options: .regularExpression)),
            ("tag not a string", plain.replacingOccurrences(of: "\"tags\":[]", with: "\"tags\":[[1]]")),
            ("not EVENT", #"["OK","id",true,""]"#)
        ]
        for (name, text) in cases {
            #expect(EventFrameScanner.scan(text) == nil, "\(name): \(text)")
        }
        // The public entry point still decides these as the full decoder does.
        if case .event(_, let event) = try RelayMessage.parse(frame(content: "line\nbreak")) { #expect(event.content == "line\nbreak") }
        #expect(throws: FrameError.self) { try RelayMessage.parse(plain.replacingOccurrences(of: "\"kind\":4", with: "\"kind\":65536")) }
    }

    /// Regression: a 19-digit `created_at` overflowed `Int64` inside the scanner and stopped the bot (SIGILL).
    @Test func oversizedNumbersAreRefusedWithoutTrapping() throws {
        let plain = frame()
        for digits in [
            "9999999999999999999", "9223372036854775807", "9223372036854775808", "99999999999999999999999999999",
            "18446744073709551616", "999999999999999999"
        ] {
            let text = plain.replacingOccurrences(of: "1800000000", with: digits)
            let fast = EventFrameScanner.scan(text)
            // Whatever the scanner says, the full decoder agrees (or the scanner left it to the decoder).
            if let fast { #expect(fast.event == (try? event(text))?.1, "\(digits)") }
            _ = try? RelayMessage.parse(text)
            _ = EventPrescreen.summary(text.replacingOccurrences(of: "\"kind\":4", with: "\"kind\":\(digits)"))
        }
        // The issue's frame, exactly: rejected as malformed, not a crash.
        #expect(EventFrameScanner.scan(#"["EVENT","x",{"created_at":9999999999999999999}]"#) == nil)
        #expect(throws: FrameError.self) { try RelayMessage.parse(#"["EVENT","x",{"created_at":9999999999999999999}]"#) }
        // 18 digits still take the fast path.
        let eighteen = try #require(EventFrameScanner.scan(plain.replacingOccurrences(of: "1800000000", with: "999999999999999999")))
        #expect(eighteen.event.createdAt == 999_999_999_999_999_999)
        #expect(EventPrescreen.summary(plain.replacingOccurrences(of: "\"kind\":4", with: "\"kind\":99999999999999999999")) == nil)
    }

    @Test func agreesWithTheDecoderOnTenThousandMutations() throws {
        var rng = SeededGenerator(state: 0xFA57_EE17)
        let seeds = [frame(), frame(kind: 1059, tags: [["p", keyPair.publicKey.hex]]), frame(content: "a b", tags: [["e", "1"], []])]
        var answered = 0
        for round in 0..<10_000 {
            let text = String(decoding: FuzzTests.mutate(Array(seeds[round % seeds.count].utf8), using: &rng), as: UTF8.self)
            guard let fast = EventFrameScanner.scan(text) else { continue }
            answered += 1
            // Whatever the scanner takes, the full decoder takes too, with the same result.
            let full = try? event(text)
            #expect(full?.0 == fast.subscriptionID && full?.1 == fast.event, "\(text)")
        }
        #expect(answered > 300)  // 365 with this seed: mutations that keep the frame plain (content, tag, subscription bytes)
    }
}
