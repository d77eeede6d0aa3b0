import Foundation
import TestSupport
import Testing

@testable import NostrCore

/// Pushes random and mutated inputs through every decoder. Passing means: no crash, and everything either parses
/// or comes back as a typed error. Bounded (10,000 inputs) and seeded, so a failure reproduces.
@Suite struct FuzzTests {
    static func seeds() throws -> [String] {
        let keyPair = KeyPair(secretKey: try SecretKey(bytes: hex("0000000000000000000000000000000000000000000000000000000000000007")))
        let event = EventTemplate(kind: 4, content: "close timmy-config#12", tags: [["p", keyPair.publicKey.hex]], createdAt: 1_800_000_000)
            .sign(with: keyPair)
        return [
            RelayMessage.event(subscriptionID: "inbox", event: event).jsonString,
            RelayMessage.ok(eventID: event.id, accepted: true, message: "duplicate: have it").jsonString,
            RelayMessage.closed(subscriptionID: "inbox", message: "auth-required: you must auth").jsonString,
            RelayMessage.auth(challenge: "abc").jsonString,
            ClientMessage.req(subscriptionID: "s", filters: [Filter(kinds: [4, 1059], tags: ["p": [keyPair.publicKey.hex]], since: 1)]).jsonString,
            #"["EOSE","inbox"]"#, #"["NOTICE","hello"]"#
        ]
    }

    static func mutate(_ input: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = Array("[]{}\",:\\0123456789-.eEtrufalsn \u{7f}".utf8) + [0x00, 0x80, 0xc3, 0xff, 0xed, 0xa0]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else {
                bytes = [interesting.randomElement(using: &rng)!]
                continue
            }
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes[index] = interesting.randomElement(using: &rng)!
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(interesting.randomElement(using: &rng)!, at: index)
            case 3: bytes = Array(bytes[..<index])
            default: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            }
        }
        return bytes
    }

    @Test func tenThousandFramesAndPayloads() throws {
        var rng = SeededGenerator(state: 0x0BE7_A7E5)
        let seeds = try Self.seeds()
        let bot = SecretKey.generate()
        let cache = ConversationKeyCache(secretKey: bot)
        let sender = SecretKey.generate()
        let nip44Seed = try NIP44.encrypt("merge timmy-config!7 squash", conversationKey: cache.nip44Key(for: sender.publicKey))
        let nip04Seed = NIP04.encrypt("close timmy-config#12", secretKey: sender, publicKey: bot.publicKey)
        var parsed = 0
        var rejected = 0
        for round in 0..<10_000 {
            let input: String
            if round % 10 == 0 {
                let length = Int.random(in: 0..<200, using: &rng)
                input = String(decoding: (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }, as: UTF8.self)
            } else {
                input = String(decoding: Self.mutate(Array(seeds[round % seeds.count].utf8), using: &rng), as: UTF8.self)
            }
            switch round % 4 {
            case 0:
                if let message = try? RelayMessage.parse(input) {
                    parsed += 1
                    if case .event(_, let event) = message { _ = event.isValid }
                } else {
                    rejected += 1
                }
            case 1:
                if (try? ClientMessage.parse(input)) != nil { parsed += 1 } else { rejected += 1 }
            case 2:
                let payload = String(decoding: Self.mutate(Array(nip44Seed.utf8), using: &rng), as: UTF8.self)
                if (try? NIP44.decrypt(payload, conversationKey: cache.nip44Key(for: sender.publicKey))) != nil { parsed += 1 } else { rejected += 1 }
            default:
                let payload = String(decoding: Self.mutate(Array(nip04Seed.utf8), using: &rng), as: UTF8.self)
                if (try? NIP04.decrypt(payload, sharedKey: cache.nip04Key(for: sender.publicKey))) != nil { parsed += 1 } else { rejected += 1 }
            }
        }
        // Both outcomes happen: the mutations reach past the first check (some parse), and most are refused.
        #expect(parsed > 0, "no mutation parsed: the mutator never reaches past the first check")
        #expect(rejected > 5_000, "most mutations must be refused")
    }

    @Test func randomGiftWrapsAreRefused() throws {
        var rng = SeededGenerator(state: 42)
        let bot = SecretKey.generate()
        let cache = ConversationKeyCache(secretKey: bot)
        let good = try NIP17.message("hi", author: KeyPair(secretKey: .generate()), recipient: bot.publicKey, now: 1_800_000_000).toRecipient
        for _ in 0..<300 {
            let content = String(decoding: Self.mutate(Array(good.content.utf8), using: &rng), as: UTF8.self)
            let forged = Event(
                id: good.id, pubkey: good.pubkey, createdAt: good.createdAt, kind: 1059, tags: good.tags, content: content, sig: good.sig)
            if let opened = try? NIP59.unwrap(forged, keys: cache, verifyingWrap: false) {
                // Only a mutation that base64 decodes to the very same bytes (unused low bits of the last
                // character) may still open, and then it must open to the same rumor.
                #expect(Data(base64Encoded: content) == Data(base64Encoded: good.content))
                #expect(opened.rumor.content == "hi")
            }
        }
    }
}
