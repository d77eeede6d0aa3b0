import Encoding
import Foundation
import TestSupport
import Testing

@testable import NostrCore

/// Interoperability with rust-nostr (PyPI nostr-sdk 0.45.1), an independent implementation, in both directions.
@Suite struct CrossCheckTests {
    static let rounds = 200

    @Test func eventsSignedByRustNostrVerifyHereWithTheSameID() throws {
        let peer = try RustNostrPeer()
        var rng = SeededGenerator(state: 1)
        let secret = SecretKey.generate()
        for _ in 0..<Self.rounds {
            let content = TrickyText.make(using: &rng)
            let tags = [["p", SecretKey.generate().publicKey.hex], ["t", TrickyText.make(using: &rng, maxPieces: 5)]]
            let answer = try peer.call([
                "op": "sign", "sec": secret.hex, "kind": Int.random(in: 0...40000, using: &rng),
                "content": content, "tags": tags, "created_at": Int.random(in: 0...2_000_000_000, using: &rng)
            ])
            let event = try Event.parse(answer.event!)
            #expect(event.content == content)
            #expect(event.computedID == event.id)
            #expect(event.isValid, "rust-nostr event failed verification: \(event.jsonString)")
        }
    }

    @Test func eventsSignedHereVerifyInRustNostr() throws {
        let peer = try RustNostrPeer()
        var rng = SeededGenerator(state: 2)
        let keyPair = KeyPair(secretKey: .generate())
        for _ in 0..<Self.rounds {
            let event = EventTemplate(
                kind: Int.random(in: 0...40000, using: &rng), content: TrickyText.make(using: &rng),
                tags: [["e", Hex.encode(SecureRandom.bytes(32))], ["subject", TrickyText.make(using: &rng, maxPieces: 4)]],
                createdAt: Int64.random(in: 0...2_000_000_000, using: &rng)
            ).sign(with: keyPair)
            let answer = try peer.call(["op": "verify", "event": event.jsonString])
            #expect(answer.valid == true, "\(answer)")
            #expect(answer.id == event.id)
        }
        // And a tampered one is refused there too.
        let good = EventTemplate(kind: 1, content: "x", createdAt: 1).sign(with: keyPair)
        let bad = Event(id: good.id, pubkey: good.pubkey, createdAt: 2, kind: 1, tags: [], content: "x", sig: good.sig)
        #expect(try peer.call(["op": "verify", "event": bad.jsonString]).valid == false)
    }

    @Test func keysAndNIP19AgreeWithRustNostr() throws {
        let peer = try RustNostrPeer()
        for _ in 0..<50 {
            let secret = SecretKey.generate()
            let answer = try peer.call(["op": "public_key", "sec": secret.hex])
            #expect(answer.pubkey == secret.publicKey.hex)
            #expect(answer.npub == secret.publicKey.npub)
            #expect(answer.nsec == secret.nsec)
        }
    }

    @Test func nip04BothDirections() throws {
        let peer = try RustNostrPeer()
        var rng = SeededGenerator(state: 3)
        let alice = SecretKey.generate()
        let bob = SecretKey.generate()
        for _ in 0..<Self.rounds {
            let text = TrickyText.make(using: &rng)
            let ours = NIP04.encrypt(text, secretKey: alice, publicKey: bob.publicKey)
            #expect(try peer.call(["op": "nip04_decrypt", "sec": bob.hex, "pub": alice.publicKey.hex, "payload": ours]).text == text)
            let theirs = try peer.call(["op": "nip04_encrypt", "sec": bob.hex, "pub": alice.publicKey.hex, "text": text]).payload!
            #expect(try NIP04.decrypt(theirs, secretKey: alice, publicKey: bob.publicKey) == text)
        }
    }

    @Test func nip44BothDirections() throws {
        let peer = try RustNostrPeer()
        var rng = SeededGenerator(state: 4)
        let alice = SecretKey.generate()
        let bob = SecretKey.generate()
        let key = NIP44.conversationKey(secretKey: alice, publicKey: bob.publicKey)
        for _ in 0..<Self.rounds {
            let text = TrickyText.make(using: &rng)
            let ours = try NIP44.encrypt(text, conversationKey: key)
            #expect(try peer.call(["op": "nip44_decrypt", "sec": bob.hex, "pub": alice.publicKey.hex, "payload": ours]).text == text)
            let theirs = try peer.call(["op": "nip44_encrypt", "sec": bob.hex, "pub": alice.publicKey.hex, "text": text]).payload!
            #expect(try NIP44.decrypt(theirs, conversationKey: key) == text)
        }
    }

    @Test func giftWrapsBothDirections() throws {
        let peer = try RustNostrPeer()
        var rng = SeededGenerator(state: 5)
        let alice = KeyPair(secretKey: .generate())
        let bot = SecretKey.generate()
        let now = Int64(Date().timeIntervalSince1970)
        for _ in 0..<Self.rounds / 2 {
            let text = TrickyText.make(using: &rng)
            let theirs = try peer.call(["op": "wrap", "sec": alice.secretKey.hex, "to": bot.publicKey.hex, "text": text]).event!
            let opened = try NIP59.unwrap(try Event.parse(theirs), recipient: bot)
            #expect(opened.sender == alice.publicKey)
            #expect(opened.rumor.kind == 14)
            #expect(opened.rumor.content == text)

            let ours = try NIP17.message(text, author: alice, recipient: bot.publicKey, now: now)
            let answer = try peer.call(["op": "unwrap", "sec": bot.hex, "event": ours.toRecipient.jsonString])
            #expect(answer.sender == alice.publicKey.hex)
            #expect(answer.content == text)
            #expect(answer.kind == 14)
            #expect(answer.rumorID == ours.rumor.id)
            #expect(answer.createdAt == Int(now))
        }
    }

    /// rust-nostr must refuse the same impersonation NostrCore refuses (notes: nostr-sdk says "sender mismatch").
    @Test func forgedWrapIsRefusedByBoth() throws {
        let peer = try RustNostrPeer()
        let operatorKey = SecretKey.generate().publicKey
        let stranger = KeyPair(secretKey: .generate())
        let bot = SecretKey.generate()
        let rumor = EventTemplate(kind: 14, content: "merge repo!1", tags: [["p", bot.publicKey.hex]], createdAt: 1_800_000_000)
            .rumor(author: operatorKey)
        let seal = EventTemplate(
            kind: 13,
            content: try NIP44.encrypt(
                rumor.jsonString,
                conversationKey:
                    NIP44.conversationKey(secretKey: stranger.secretKey, publicKey: bot.publicKey)), createdAt: 1_800_000_000
        ).sign(with: stranger)
        let wrap = try NIP59Tests.wrap(seal: seal, to: bot.publicKey)
        #expect(throws: NIP59Error.self) { try NIP59.unwrap(wrap, recipient: bot) }
        let answer = try peer.callAllowingFailure(["op": "unwrap", "sec": bot.hex, "event": wrap.jsonString])
        #expect(!answer.ok, "rust-nostr accepted a forged wrap: \(answer)")
    }
}
