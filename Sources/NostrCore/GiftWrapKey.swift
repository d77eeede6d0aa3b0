import CSecp256k1

/// The part of a NIP-59 gift wrap that does not depend on what it carries: its one-time key pair and that key's
/// NIP-44 conversation key with the recipient (a key generation and an ECDH, about half of a wrap's cost). Made
/// ahead, while there is time to spare (the bot makes an answer's while its command runs on Gitea), it leaves two
/// encryptions and two signatures for when the rumor is known (``NIP59/checkedWrap(_:author:recipient:now:keys:wrapKey:)``).
///
/// Use each one once: two wraps under one one-time key would show that they come from the same sender.
public struct GiftWrapKey: Sendable {
    /// Whom the wrap is for.
    public let recipient: PublicKey
    let keyPair: KeyPair
    let conversationKey: [UInt8]
    /// The one-time public key: the wrap's author.
    public var publicKey: PublicKey { keyPair.publicKey }

    /// A fresh one-time key for a wrap to `recipient`, whose parsed key `keys` keeps (it is cached from now on).
    public init(for recipient: PublicKey, keys: ConversationKeyCache) { self.init(for: recipient, point: keys.point(for: recipient)) }

    /// A fresh one-time key for a wrap to `recipient`, whose key `point` is, lifted onto the curve.
    init(for recipient: PublicKey, point: secp256k1_pubkey) {
        self.recipient = recipient
        keyPair = KeyPair(secretKey: SecretKey.generate())
        conversationKey = NIP44.conversationKey(sharedX: ECDH.sharedX(secretKey: keyPair.secretKey, point: point))
    }
}
