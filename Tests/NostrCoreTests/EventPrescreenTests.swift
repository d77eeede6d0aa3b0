import Foundation
import TestSupport
import Testing

@testable import NostrCore

/// The prescreen agrees with the full decoder whenever it answers, and refuses to answer on anything unusual.
@Suite struct EventPrescreenTests {
    let keyPair = KeyPair(secretKey: SecretKey.generate())

    func frame(kind: Int = 4, content: String = "x", tags: [[String]] = []) -> (String, Event) {
        let event = EventTemplate(kind: kind, content: content, tags: tags, createdAt: 1_800_000_000).sign(with: keyPair)
        return (RelayMessage.event(subscriptionID: "inbox", event: event).jsonString, event)
    }

    @Test func readsKindAndPubkeyOfRealFrames() {
        let (text, event) = frame(
            content: #"tricky "pubkey":"00", {"kind":1} \" \\ \u{2028}"#,
            tags: [["p", "pubkey"], ["kind", "1059"], ["e", #"{"pubkey":"ff"}"#]])
        #expect(EventPrescreen.summary(text) == .init(kind: 4, pubkey: event.pubkey))
        let (wrap, wrapEvent) = frame(kind: 1059)
        #expect(EventPrescreen.summary(wrap) == .init(kind: 1059, pubkey: wrapEvent.pubkey))
    }

    @Test func anyKeyOrderAndWhitespace() {
        let pubkey = keyPair.publicKey.hex
        let text = """
             [ "EVENT" , "s" , { "tags" : [ [ "p" , "a" ] , [ ] ] , "content" : "hi" , "kind" : 4 , "created_at" : 1 ,
               "pubkey" : "\(pubkey)" , "id" : "00" , "sig" : "00" , "extra" : { "nested" : [ 1 , true , null , -2.5e3 ] } } ]
            """
        #expect(EventPrescreen.summary(text) == .init(kind: 4, pubkey: pubkey))
    }

    @Test func unusualFramesGetNoAnswer() {
        let pubkey = keyPair.publicKey.hex
        for text in [
            #"["OK","id",true,""]"#, #"["EOSE","s"]"#, "not json", "",
            #"["EVENT","s",{"kind":4,"kind":1059,"pubkey":"\#(pubkey)"}]"#,  // duplicate kind
            #"["EVENT","s",{"kind":4,"pubkey":"\#(pubkey)","pubkey":"\#(pubkey)"}]"#,  // duplicate pubkey
            #"["EVENT","s",{"kind":4,"pubkey":"\u0061\#(pubkey.dropFirst())"}]"#,  // escaped pubkey
            #"["EVENT","s",{"kind":4.0,"pubkey":"\#(pubkey)"}]"#,  // not an integer kind
            #"["EVENT","s",{"kind":4}]"#, #"["EVENT","s",{"pubkey":"\#(pubkey)"}]"#, #"["EVENT","s",{}]"#,
            #"["EVENT","s",{"kind":4,"pubkey":"\#(pubkey)""#,  // truncated
            #"["EVENT","s",{"kind":4,"pubkey":"\#(pubkey)",}]"#  // trailing comma
        ] {
            #expect(EventPrescreen.summary(text) == nil, "\(text)")
        }
    }

    @Test func agreesWithTheDecoderOnTenThousandMutations() throws {
        var rng = SeededGenerator(state: 0x5C12_EE17)
        let seeds = [
            frame().0, frame(kind: 1059, tags: [["p", keyPair.publicKey.hex]]).0,
            frame(content: #"a "kind":5 b"#, tags: [["kind", "5"]]).0
        ]
        var answered = 0
        for round in 0..<10_000 {
            let text = String(decoding: FuzzTests.mutate(Array(seeds[round % seeds.count].utf8), using: &rng), as: UTF8.self)
            guard let summary = EventPrescreen.summary(text) else { continue }
            answered += 1
            // When the full decoder accepts the frame, it must see the same kind and author.
            if case .event(_, let event) = try? RelayMessage.parse(text) {
                #expect(event.kind == summary.kind && event.pubkey == summary.pubkey, "\(text)")
            }
        }
        #expect(answered > 1_000)
    }
}
