import NostrCore
import NostrIngress

/// Builds the signed events that answer a direct message, in the scheme it came in.
///
/// - NIP-04: one kind-4 event to the sender, tagged `["p", sender]` and `["e", message id]`.
/// - NIP-17: a kind-14 rumor tagged `["p", sender]` and `["e", rumor id]`, gift-wrapped twice: to the sender
///   and to the bot itself (NIP-17's copy for the author's other devices).
public enum ReplyBuilder {
    public static func events(
        _ text: String, answering message: DirectMessage, bot: KeyPair, keys: ConversationKeyCache,
        now: Int64
    ) throws -> [Event] {
        switch message.scheme {
        case .nip04:
            return [
                NIP04.message(
                    text, author: bot, recipient: message.sender, now: now, replyTo: message.id,
                    sharedKey: keys.nip04Key(for: message.sender))
            ]
        case .nip17:
            let outgoing = try NIP17.message(text, author: bot, recipient: message.sender, now: now, replyTo: message.id)
            return [outgoing.toRecipient, outgoing.toSelf]
        }
    }
}
