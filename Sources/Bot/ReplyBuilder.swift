import NostrCore
import NostrIngress

/// Builds the signed events the bot sends: answers to a direct message, in the scheme it came in, and notices.
///
/// - NIP-04: one kind-4 event to the sender, tagged `["p", sender]` and `["e", message id]`.
/// - NIP-17: a kind-14 rumor tagged `["p", sender]` and `["e", rumor id]`, gift-wrapped twice: to the sender
///   and to the bot itself (NIP-17's copy for the author's other devices).
public enum ReplyBuilder {
    public static func events(
        _ text: String, answering message: DirectMessage, bot: KeyPair, keys: ConversationKeyCache,
        now: Int64
    ) throws -> [Event] {
        try events(text, to: message.sender, scheme: message.scheme, replyTo: message.id, bot: bot, keys: keys, now: now)
    }

    /// A message from the bot to `recipient` in `scheme`, answering `replyTo` when given (a webhook notice answers
    /// nothing): one kind-4 event, or the gift wraps to the recipient and to the bot itself.
    public static func events(
        _ text: String, to recipient: PublicKey, scheme: DirectMessage.Scheme, replyTo: String?, bot: KeyPair, keys: ConversationKeyCache,
        now: Int64
    ) throws -> [Event] {
        switch scheme {
        case .nip04:
            return [NIP04.message(text, author: bot, recipient: recipient, now: now, replyTo: replyTo, sharedKey: keys.nip04Key(for: recipient))]
        case .nip17:
            let outgoing = try NIP17.message(text, author: bot, recipient: recipient, now: now, replyTo: replyTo)
            return [outgoing.toRecipient, outgoing.toSelf]
        }
    }
}
