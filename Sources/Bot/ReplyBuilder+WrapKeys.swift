import NostrCore

extension ReplyBuilder {
    /// The one-time keys of a NIP-17 answer's two gift wraps, to the recipient and to the bot itself, made ahead:
    /// the bot makes them while the command runs on Gitea, so that the answer, once the outcome is known, costs no
    /// key generation and no ECDH (``GiftWrapKey``). Used once, by one answer.
    public struct WrapKeys: Sendable {
        let toRecipient: GiftWrapKey
        let toSelf: GiftWrapKey

        /// Keys for an answer from `bot` to `recipient`; `keys` must hold the bot's conversation keys.
        public init(recipient: PublicKey, bot: KeyPair, keys: ConversationKeyCache) {
            toRecipient = GiftWrapKey(for: recipient, keys: keys)
            toSelf = GiftWrapKey(for: bot.publicKey, keys: keys)
        }
    }
}
