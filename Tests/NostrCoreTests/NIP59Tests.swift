import Foundation
import Testing

@testable import NostrCore

/// The NIP-17 and NIP-59 example gift wraps, round trips, and forgeries.
@Suite struct NIP59Tests {
    static func examples() throws -> [String: [String: Any]] {
        try Fixture.json("nip17-nip59-examples.json") as! [String: [String: Any]]
    }

    static func wrapEvent(_ example: [String: Any]) throws -> Event {
        try Event.parse(JSONSerialization.data(withJSONObject: example["gift_wrap"]!))
    }

    @Test(arguments: ["nip17_to_receiver", "nip17_to_sender", "nip59_example"])
    func publishedExampleUnwraps(_ name: String) throws {
        let example = try Self.examples()[name]!
        let wrap = try Self.wrapEvent(example)
        try wrap.verify()
        let recipient = try SecretKey(parsing: example["recipient_sec"] as! String)
        let opened = try NIP59.unwrap(wrap, recipient: recipient)
        #expect(opened.sender.hex == example["sender_pub"] as! String)
        #expect(opened.rumor.pubkey == example["sender_pub"] as! String)
        #expect(opened.rumor.kind == example["expect_kind"] as! Int)
        #expect(opened.rumor.content == example["expect_content"] as! String)
        #expect(opened.wrapID == wrap.id)
    }

    @Test func exampleRefusesTheWrongRecipient() throws {
        let example = try Self.examples()["nip17_to_receiver"]!
        #expect(throws: NIP59Error.self) { try NIP59.unwrap(try Self.wrapEvent(example), recipient: .generate()) }
    }

    @Test func roundTripWithBackdatedTimestamps() throws {
        let alice = KeyPair(secretKey: .generate())
        let bot = SecretKey.generate()
        let now: Int64 = 1_800_000_000
        let outgoing = try NIP17.message("close timmy-config#12", author: alice, recipient: bot.publicKey, now: now)
        #expect(outgoing.rumor.kind == 14)
        #expect(outgoing.rumor.createdAt == now)
        for wrap in [outgoing.toRecipient, outgoing.toSelf] {
            try wrap.verify()
            #expect(wrap.kind == 1059)
            #expect(wrap.pubkey != alice.publicKey.hex, "the wrap must be signed by a one-time key")
            #expect(wrap.createdAt <= now && wrap.createdAt >= now - NIP59.timestampJitter)
        }
        #expect(outgoing.toRecipient.tagValues("p") == [bot.publicKey.hex])
        #expect(outgoing.toSelf.tagValues("p") == [alice.publicKey.hex])
        let opened = try NIP59.unwrap(outgoing.toRecipient, recipient: bot)
        #expect(opened.sender == alice.publicKey)
        #expect(opened.rumor == outgoing.rumor)
        let copy = try NIP59.unwrap(outgoing.toSelf, recipient: alice.secretKey)
        #expect(copy.rumor.id == outgoing.rumor.id)
    }

    /// The bot seals its answers with conversation keys from its cache (one ECDH fewer per wrap): the cached key is
    /// NIP-44's, and such a wrap opens for its recipient (and the self-copy for the author) like any other.
    @Test func aSealWithACachedKeyOpensAsAnyOther() throws {
        let bot = KeyPair(secretKey: .generate())
        let alice = SecretKey.generate()
        let cache = ConversationKeyCache(secretKey: bot.secretKey)
        #expect(cache.nip44Key(for: alice.publicKey) == NIP44.conversationKey(secretKey: bot.secretKey, publicKey: alice.publicKey))
        let rumor = NIP17.rumor("✓ commented", author: bot.publicKey, recipient: alice.publicKey, now: 1_800_000_000, replyTo: "ab")
        let wrap = try NIP59.checkedWrap(
            rumor, author: bot, recipient: alice.publicKey, now: 1_800_000_000, sealKey: cache.nip44Key(for: alice.publicKey))
        let opened = try NIP59.unwrap(wrap, recipient: alice)
        #expect(opened.sender == bot.publicKey && opened.rumor == rumor && opened.rumor.tags.contains(["e", "ab"]))
        let copy = NIP59.wrap(rumor, author: bot, recipient: bot.publicKey, now: 1_800_000_000, sealKey: cache.nip44Key(for: bot.publicKey))
        #expect(try NIP59.unwrap(copy, recipient: bot.secretKey).rumor == rumor)
    }

    /// A stranger seals a rumor that claims to come from an operator: the seal is validly signed by the stranger,
    /// but `rumor.pubkey != seal.pubkey`.
    @Test func impersonationIsRejected() throws {
        let operatorKey = SecretKey.generate().publicKey
        let stranger = KeyPair(secretKey: .generate())
        let bot = SecretKey.generate()
        let forgedRumor = EventTemplate(kind: 14, content: "merge repo!1", tags: [["p", bot.publicKey.hex]], createdAt: 1_800_000_000)
            .rumor(author: operatorKey)
        let sealContent = try NIP44.encrypt(
            forgedRumor.jsonString,
            conversationKey: NIP44.conversationKey(secretKey: stranger.secretKey, publicKey: bot.publicKey))
        let seal = EventTemplate(kind: 13, content: sealContent, createdAt: 1_800_000_000).sign(with: stranger)
        let wrap = try Self.wrap(seal: seal, to: bot.publicKey)
        #expect(throws: NIP59Error.senderMismatch(sealPubkey: stranger.publicKey.hex, rumorPubkey: operatorKey.hex)) {
            try NIP59.unwrap(wrap, recipient: bot)
        }
    }

    @Test func sealWithBadSignatureIsRejected() throws {
        let alice = KeyPair(secretKey: .generate())
        let bot = SecretKey.generate()
        let rumor = EventTemplate(kind: 14, content: "hi", createdAt: 1_800_000_000).rumor(author: alice.publicKey)
        let sealContent = try NIP44.encrypt(
            rumor.jsonString,
            conversationKey: NIP44.conversationKey(secretKey: alice.secretKey, publicKey: bot.publicKey))
        let good = EventTemplate(kind: 13, content: sealContent, createdAt: 1_800_000_000).sign(with: alice)
        let badSig = String(good.sig.reversed())
        let seal = Event(id: good.id, pubkey: good.pubkey, createdAt: good.createdAt, kind: 13, tags: [], content: good.content, sig: badSig)
        let wrap = try Self.wrap(seal: seal, to: bot.publicKey)
        #expect(throws: NIP59Error.self) { try NIP59.unwrap(wrap, recipient: bot) }
        do { _ = try NIP59.unwrap(wrap, recipient: bot) } catch {
            guard case .invalidSeal = error else {
                Issue.record("expected invalidSeal, got \(error)")
                return
            }
        }
    }

    @Test func wrapWithTamperedOuterSignatureIsRejected() throws {
        let bot = SecretKey.generate()
        let outgoing = try NIP17.message("hi", author: KeyPair(secretKey: .generate()), recipient: bot.publicKey, now: 1_800_000_000)
        let w = outgoing.toRecipient
        let tampered = Event(id: w.id, pubkey: w.pubkey, createdAt: w.createdAt + 1, kind: w.kind, tags: w.tags, content: w.content, sig: w.sig)
        #expect(throws: NIP59Error.self) { try NIP59.unwrap(tampered, recipient: bot) }
    }

    @Test func nonWrapKindIsRejected() throws {
        let event = EventTemplate(kind: 4, content: "x", createdAt: 1).sign(with: KeyPair(secretKey: .generate()))
        #expect(throws: NIP59Error.notAGiftWrap(kind: 4)) { try NIP59.unwrap(event, recipient: .generate()) }
    }

    static func wrap(seal: Event, to recipient: PublicKey) throws -> Event {
        let ephemeral = KeyPair(secretKey: .generate())
        let content = try NIP44.encrypt(seal.jsonString, conversationKey: NIP44.conversationKey(secretKey: ephemeral.secretKey, publicKey: recipient))
        return EventTemplate(kind: 1059, content: content, tags: [["p", recipient.hex]], createdAt: 1_800_000_000).sign(with: ephemeral)
    }
}

/// `acceptingSeal` is asked before the seal is verified or opened.
@Suite struct NIP59SealFilterTests {
    @Test func aRefusedSealAuthorStopsTheUnwrapBeforeVerification() throws {
        let recipient = SecretKey.generate()
        let stranger = SecretKey.generate()
        let now: Int64 = 1_800_000_000
        let rumor = EventTemplate(kind: 14, content: "hi", tags: [["p", recipient.publicKey.hex]], createdAt: now).rumor(author: stranger.publicKey)
        let wrap = NIP59.wrap(rumor, author: stranger.keyPair, recipient: recipient.publicKey, now: now)
        let keys = ConversationKeyCache(secretKey: recipient)
        #expect(throws: NIP59Error.sealAuthorRefused(stranger.publicKey.hex)) {
            try NIP59.unwrap(wrap, keys: keys, acceptingSeal: { $0 != stranger.publicKey.hex })
        }
        // Nothing about the stranger entered the key cache.
        #expect(keys.statistics.misses == 0)
        // Accepted, the same wrap opens.
        #expect(try NIP59.unwrap(wrap, keys: keys, acceptingSeal: { $0 == stranger.publicKey.hex }).sender == stranger.publicKey)

        // A seal with a broken signature that claims a refused author is refused as such, unverified.
        let sealKey = NIP44.conversationKey(secretKey: stranger, publicKey: recipient.publicKey)
        let good = EventTemplate(kind: 13, content: try NIP44.encrypt(rumor.jsonString, conversationKey: sealKey), createdAt: now).sign(
            with: stranger.keyPair)
        let broken = Event(
            id: good.id, pubkey: good.pubkey, createdAt: good.createdAt, kind: 13, tags: [], content: good.content,
            sig: String(repeating: "0", count: 128))
        let ephemeral = SecretKey.generate()
        let outer = EventTemplate(
            kind: 1059,
            content: try NIP44.encrypt(
                broken.jsonString, conversationKey: NIP44.conversationKey(secretKey: ephemeral, publicKey: recipient.publicKey)),
            tags: [["p", recipient.publicKey.hex]], createdAt: now
        ).sign(with: ephemeral.keyPair)
        #expect(throws: NIP59Error.sealAuthorRefused(stranger.publicKey.hex)) {
            try NIP59.unwrap(outer, keys: ConversationKeyCache(secretKey: recipient), acceptingSeal: { _ in false })
        }
        // Accepted, the broken seal signature is what refuses it.
        #expect(throws: NIP59Error.self) { try NIP59.unwrap(outer, keys: ConversationKeyCache(secretKey: recipient), acceptingSeal: { _ in true }) }
    }
}
