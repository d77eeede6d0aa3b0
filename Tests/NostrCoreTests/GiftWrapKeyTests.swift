import Testing

@testable import NostrCore

/// One-time gift wrap keys made ahead (``GiftWrapKey``): the wrap they make is the wrap the recipient opens, signed
/// by that key, and each key is its own.
@Suite struct GiftWrapKeyTests {
    let now: Int64 = 1_800_000_000

    @Test func aWrapUnderAKeyMadeAheadOpensForItsRecipientAndIsSignedByThatKey() throws {
        let bot = KeyPair(secretKey: .generate())
        let alice = SecretKey.generate()
        let keys = ConversationKeyCache(secretKey: bot.secretKey)
        let rumor = NIP17.rumor("done: timmy-config#12 closed", author: bot.publicKey, recipient: alice.publicKey, now: now, replyTo: nil)
        let wrapKey = GiftWrapKey(for: alice.publicKey, keys: keys)
        let wrap = try NIP59.checkedWrap(rumor, author: bot, recipient: alice.publicKey, now: now, keys: keys, wrapKey: wrapKey)
        #expect(wrap.pubkey == wrapKey.keyPair.publicKey.hex)
        #expect(wrap.pubkey != bot.publicKey.hex)
        try wrap.verify()
        let opened = try NIP59.unwrap(wrap, recipient: alice)
        #expect(opened.sender == bot.publicKey)
        #expect(opened.rumor.id == rumor.id && opened.rumor.content == rumor.content)
        // The key's conversation key is the one the recipient derives from the wrap's author.
        #expect(wrapKey.conversationKey == NIP44.conversationKey(secretKey: alice, publicKey: wrapKey.keyPair.publicKey))
        #expect(throws: NIP59Error.self) { try NIP59.unwrap(wrap, recipient: bot.secretKey) }
    }

    @Test func everyKeyIsFreshAndWrapsWithoutOneMakeTheirOwn() throws {
        let bot = KeyPair(secretKey: .generate())
        let alice = SecretKey.generate()
        let keys = ConversationKeyCache(secretKey: bot.secretKey)
        let made = (0..<8).map { _ in GiftWrapKey(for: alice.publicKey, keys: keys).keyPair.publicKey }
        #expect(Set(made).count == made.count)
        let rumor = NIP17.rumor("hello", author: bot.publicKey, recipient: alice.publicKey, now: now, replyTo: nil)
        let wraps = try (0..<4).map { _ in try NIP59.checkedWrap(rumor, author: bot, recipient: alice.publicKey, now: now, keys: keys) }
        #expect(Set(wraps.map(\.pubkey)).count == wraps.count)
        #expect(wraps.allSatisfy { !made.map(\.hex).contains($0.pubkey) })
    }
}
