import Encoding
import Testing

@testable import NostrCore

/// A peer's key kept parsed in the ``ConversationKeyCache``: signature checks and gift wraps that use it must come
/// out exactly as those that parse the key each time.
@Suite struct ParsedPeerKeyTests {
    /// Every BIP-340 row whose public key is on the curve, checked with the key parsed once by the cache (lifted to a
    /// point for ECDH, then turned into an x-only key).
    @Test(arguments: try BIP340Tests.rows())
    func bip340RowWithTheCachedKey(_ row: BIP340Tests.Row) throws {
        guard let key = try? PublicKey(bytes: hex(row.publicKey)) else { return }
        let keys = ConversationKeyCache(secretKey: .generate())
        #expect(keys.parsedKey(key.bytes) == nil, "a peer enters only when its keys are asked for")
        _ = keys.nip04Key(for: key)
        let parsed = try #require(keys.parsedKey(key.bytes))
        #expect(Schnorr.verify(signature: hex(row.signature), message: hex(row.message), parsedKey: parsed) == row.expected)
    }

    @Test func anEventFromACachedAuthorVerifiesAsWithout() throws {
        let alice = KeyPair(secretKey: .generate())
        let bob = KeyPair(secretKey: .generate())
        let keys = ConversationKeyCache(secretKey: .generate())
        _ = keys.nip44Key(for: alice.publicKey)
        let event = EventTemplate(kind: 4, content: "close #12", tags: [["p", bob.publicKey.hex]], createdAt: 1_800_000_000).sign(with: alice)
        #expect(try event.verifiedAuthor(keys: keys) == alice.publicKey)

        func copy(_ event: Event, content: String? = nil, sig: String? = nil) -> Event {
            Event(
                id: event.id, pubkey: event.pubkey, createdAt: event.createdAt, kind: event.kind, tags: event.tags,
                content: content ?? event.content, sig: sig ?? event.sig)
        }
        #expect(throws: EventError.badSignature) { try copy(event, sig: String(event.sig.reversed())).verifiedAuthor(keys: keys) }
        #expect(throws: EventError.self) { try copy(event, content: "close #13").verifiedAuthor(keys: keys) }
        // Signed by bob but claiming alice: bob's signature does not check against alice's cached key.
        let claimed = EventTemplate(kind: 4, content: "close #12", createdAt: 1_800_000_000).sign(with: bob)
        let impostor = Event(
            id: Hex.encode(Event.idBytes(pubkey: alice.publicKey.hex, createdAt: claimed.createdAt, kind: 4, tags: [], content: claimed.content)),
            pubkey: alice.publicKey.hex, createdAt: claimed.createdAt, kind: 4, tags: [], content: claimed.content, sig: claimed.sig)
        #expect(throws: EventError.badSignature) { try impostor.verifiedAuthor(keys: keys) }
        // An author the cache does not hold is checked the usual way.
        #expect(try claimed.verifiedAuthor(keys: keys) == bob.publicKey)
        #expect(keys.parsedKey(bob.publicKey.bytes) == nil, "verifying adds nobody")
    }

    @Test func wrapsToCachedRecipientsOpenForThemAndForTheAuthor() throws {
        let bot = KeyPair(secretKey: .generate())
        let alice = SecretKey.generate()
        let keys = ConversationKeyCache(secretKey: bot.secretKey)
        let rumor = NIP17.rumor("done: timmy-config#12 closed", author: bot.publicKey, recipient: alice.publicKey, now: 1_800_000_000, replyTo: nil)
        for _ in 0..<2 {  // a miss, then the cached point
            let toAlice = try NIP59.checkedWrap(rumor, author: bot, recipient: alice.publicKey, now: 1_800_000_000, keys: keys)
            let toSelf = try NIP59.checkedWrap(rumor, author: bot, recipient: bot.publicKey, now: 1_800_000_000, keys: keys)
            #expect(toAlice.tags.first == ["p", alice.publicKey.hex])
            let opened = try NIP59.unwrap(toAlice, recipient: alice)
            #expect(opened.sender == bot.publicKey && opened.rumor.content == rumor.content)
            #expect(try NIP59.unwrap(toSelf, recipient: bot.secretKey).rumor.id == rumor.id)
            #expect(throws: NIP59Error.self) { try NIP59.unwrap(toAlice, recipient: bot.secretKey) }
        }
        #expect(keys.statistics.misses == 2, "alice and the bot itself, once each")
    }

    /// The wrap's one-time key is parsed by its ECDH alone now: a key off the curve must still be refused as such.
    @Test func aWrapKeyOffTheCurveIsRefused() throws {
        // BIP-340 row 5: "public key not on the curve".
        let offCurve = "eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"
        let recipient = SecretKey.generate()
        let wrap = Event(
            id: String(repeating: "0", count: 64), pubkey: offCurve, createdAt: 1_800_000_000, kind: 1059,
            tags: [["p", recipient.publicKey.hex]], content: "AgAAAA", sig: String(repeating: "0", count: 128))
        #expect(throws: NIP59Error.invalidWrap(.invalidPublicKey)) {
            try NIP59.unwrap(wrap, keys: ConversationKeyCache(secretKey: recipient), verifyingWrap: false)
        }
    }
}
