import NostrCore
import Testing

@testable import Bot

/// NIP-17 answers built with wrap keys made ahead (``ReplyBuilder/WrapKeys``): used for the sender they were made
/// for, ignored for anyone else, and the answers open either way.
@Suite struct ReplyBuilderTests {
    let bot = KeyPair(secretKey: .generate())
    let alice = SecretKey.generate()
    let now: Int64 = 1_800_000_000

    func message(from sender: PublicKey) -> DirectMessage {
        DirectMessage(
            id: String(repeating: "ab", count: 32), carrierID: String(repeating: "cd", count: 32), sender: sender, scheme: .nip17,
            createdAt: now, text: "close timmy-config#12", tags: [])
    }

    @Test func wrapKeysMadeForTheSenderSignBothWraps() async throws {
        let keys = ConversationKeyCache(secretKey: bot.secretKey)
        let wrapKeys = ReplyBuilder.WrapKeys(recipient: alice.publicKey, bot: bot, keys: keys)
        let events = try await ReplyBuilder.events(
            "done: timmy-config#12 closed", answering: message(from: alice.publicKey), bot: bot, keys: keys, now: now, wrapKeys: wrapKeys)
        #expect(events.count == 2)
        #expect(events[0].pubkey == wrapKeys.toRecipient.publicKey.hex)
        #expect(events[1].pubkey == wrapKeys.toSelf.publicKey.hex)
        let toAlice = try NIP59.unwrap(events[0], recipient: alice)
        #expect(toAlice.sender == bot.publicKey && toAlice.rumor.content == "done: timmy-config#12 closed")
        #expect(toAlice.rumor.tags.contains(["e", String(repeating: "ab", count: 32)]))
        #expect(try NIP59.unwrap(events[1], recipient: bot.secretKey).rumor.id == toAlice.rumor.id)
    }

    @Test func wrapKeysMadeForAnotherSenderAreNotUsed() async throws {
        let keys = ConversationKeyCache(secretKey: bot.secretKey)
        let bob = SecretKey.generate()
        let forBob = ReplyBuilder.WrapKeys(recipient: bob.publicKey, bot: bot, keys: keys)
        let events = try await ReplyBuilder.events(
            "done", answering: message(from: alice.publicKey), bot: bot, keys: keys, now: now, wrapKeys: forBob)
        let made = [forBob.toRecipient, forBob.toSelf].map(\.publicKey.hex)
        #expect(events.allSatisfy { !made.contains($0.pubkey) })
        #expect(try NIP59.unwrap(events[0], recipient: alice).rumor.content == "done")
        #expect(throws: NIP59Error.self) { try NIP59.unwrap(events[0], recipient: bob) }
    }
}
