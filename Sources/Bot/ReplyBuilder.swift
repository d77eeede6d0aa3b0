import NostrCore
import NostrIngress

/// Builds the signed events the bot sends: answers to a direct message, in the scheme it came in, and notices.
///
/// - NIP-04: one kind-4 event to the sender, tagged `["p", sender]` and `["e", message id]`.
/// - NIP-17: a kind-14 rumor tagged `["p", sender]` and `["e", rumor id]`, gift-wrapped twice: to the sender
///   and to the bot itself (NIP-17's copy for the author's other devices).
public enum ReplyBuilder {
    /// The answer to `message`, in its scheme.
    /// - Parameter wrapKeys: a NIP-17 answer's one-time wrap keys made ahead for `message`'s sender (ignored for
    ///   another recipient, and for NIP-04).
    public static func events(
        _ text: String, answering message: DirectMessage, bot: KeyPair, keys: ConversationKeyCache,
        now: Int64, wrapKeys: WrapKeys? = nil
    ) async throws -> [Event] {
        try await events(text, to: message.sender, scheme: message.scheme, replyTo: message.id, bot: bot, keys: keys, now: now, wrapKeys: wrapKeys)
    }

    /// A NIP-04 message from the bot to `recipient` (one encryption with the cached shared key, one signature).
    public static func nip04(_ text: String, to recipient: PublicKey, replyTo: String?, bot: KeyPair, keys: ConversationKeyCache, now: Int64) -> Event
    {
        NIP04.message(text, author: bot, recipient: recipient, now: now, replyTo: replyTo, sharedKey: keys.nip04Key(for: recipient))
    }

    /// A message from the bot to `recipient` in `scheme`, answering `replyTo` when given (a webhook notice answers
    /// nothing): one kind-4 event, or the gift wraps to the recipient and to the bot itself.
    ///
    /// The two wraps are sealed with the cached conversation keys (and wrapped to the cached, already parsed
    /// recipient keys) and built at once: what is left of their cost is per wrap (the seal's signature, a one-time
    /// key and its ECDH unless made ahead, the wrap's signature), so two cores halve it.
    ///
    /// - Parameter wrapKeys: the wraps' one-time keys made ahead (``WrapKeys``); used only when made for `recipient`
    ///   and this bot, else the wraps make their own.
    public static func events(
        _ text: String, to recipient: PublicKey, scheme: DirectMessage.Scheme, replyTo: String?, bot: KeyPair, keys: ConversationKeyCache,
        now: Int64, wrapKeys: WrapKeys? = nil
    ) async throws -> [Event] {
        switch scheme {
        case .nip04:
            return [nip04(text, to: recipient, replyTo: replyTo, bot: bot, keys: keys, now: now)]
        case .nip17:
            let rumor = NIP17.rumor(text, author: bot.publicKey, recipient: recipient, now: now, replyTo: replyTo)
            let made = wrapKeys.flatMap { $0.toRecipient.recipient == recipient && $0.toSelf.recipient == bot.publicKey ? $0 : nil }
            async let toSelf = NIP59.checkedWrap(rumor, author: bot, recipient: bot.publicKey, now: now, keys: keys, wrapKey: made?.toSelf)
            let toRecipient = try NIP59.checkedWrap(rumor, author: bot, recipient: recipient, now: now, keys: keys, wrapKey: made?.toRecipient)
            return [toRecipient, try await toSelf]
        }
    }
}
