import CSecp256k1
import Encoding

/// A gift wrap opened and checked: the seal's signature verified and the rumor's author equal to the seal's signer.
public struct UnwrappedGift: Hashable, Sendable {
    /// The gift wrap's own id (what relays deduplicate on).
    public let wrapID: String
    /// The verified author: the seal's signer, equal to `rumor.pubkey`.
    public let sender: PublicKey
    /// The inner unsigned event; for NIP-17 a kind-14 message whose `createdAt` is the real send time.
    public let rumor: Rumor
}

/// NIP-59 gift wrapping: rumor → kind-13 seal (signed by the author) → kind-1059 wrap (signed by a one-time key).
public enum NIP59 {
    /// How far back seal and wrap timestamps are randomized: two days, as NIP-59 recommends.
    public static let timestampJitter: Int64 = 2 * 24 * 60 * 60

    /// Seals and wraps `rumor` for `recipient`.
    /// - Parameters:
    ///   - now: the current Unix time; seal and wrap get `now - random(0...2 days)`, never a future time.
    ///   - extraWrapTags: appended after the `p` tag (for example `["expiration", …]`).
    /// - Parameter sealKey: the NIP-44 conversation key of `author` and `recipient` when the caller keeps it (a
    ///   ``ConversationKeyCache``); computed here (one ECDH) otherwise.
    public static func wrap(
        _ rumor: Rumor, author: KeyPair, recipient: PublicKey, now: Int64,
        extraWrapTags: [[String]] = [], sealKey: [UInt8]? = nil
    ) -> Event {
        wrap(
            rumor, author: author, recipient: recipient, sealTime: randomPast(now), wrapTime: randomPast(now), extraWrapTags: extraWrapTags,
            sealKey: sealKey)
    }

    /// Seals and wraps with chosen timestamps (tests and tools that need to reproduce a given backdating).
    public static func wrap(
        _ rumor: Rumor, author: KeyPair, recipient: PublicKey, sealTime: Int64, wrapTime: Int64,
        extraWrapTags: [[String]] = [], sealKey: [UInt8]? = nil
    ) -> Event {
        wrap(
            rumor, author: author, recipient: recipient, sealTime: sealTime, wrapTime: wrapTime, extraWrapTags: extraWrapTags,
            sealKey: sealKey, recipientPoint: nil)
    }

    /// - Parameter recipientPoint: `recipient` already lifted onto the curve (``ConversationKeyCache/point(for:)``),
    ///   which spares the wrap's ECDH a parse of the key.
    /// - Parameter wrapKey: the wrap's one-time key made ahead (for `recipient`); one is made here otherwise.
    static func wrap(
        _ rumor: Rumor, author: KeyPair, recipient: PublicKey, sealTime: Int64, wrapTime: Int64,
        extraWrapTags: [[String]], sealKey: [UInt8]?, recipientPoint: secp256k1_pubkey?, wrapKey: GiftWrapKey? = nil
    ) -> Event {
        precondition(rumor.pubkey == author.publicKey.hex, "the rumor's author must be the sealing key")
        precondition(wrapKey.map { $0.recipient == recipient } ?? true, "a one-time wrap key is made for one recipient")
        let sealKey = sealKey ?? NIP44.conversationKey(secretKey: author.secretKey, publicKey: recipient)
        // The rumor JSON is at most what the caller made; oversize rumors are a programming error here.
        let sealContent = try! NIP44.encrypt(rumor.jsonString, conversationKey: sealKey)
        let seal = EventTemplate(kind: 13, content: sealContent, tags: [], createdAt: sealTime).sign(with: author)
        let wrapKey = wrapKey ?? GiftWrapKey(for: recipient, point: recipientPoint ?? ECDH.point(of: recipient))
        let wrapContent = try! NIP44.encrypt(seal.jsonString, conversationKey: wrapKey.conversationKey)
        return EventTemplate(
            kind: 1059, content: wrapContent, tags: [["p", recipient.hex]] + extraWrapTags,
            createdAt: wrapTime
        ).sign(with: wrapKey.keyPair)
    }

    /// Like ``wrap(_:author:recipient:now:extraWrapTags:)`` but refuses rumors too large for two NIP-44 layers.
    public static func checkedWrap(
        _ rumor: Rumor, author: KeyPair, recipient: PublicKey, now: Int64, sealKey: [UInt8]? = nil
    ) throws(NIP44Error) -> Event {
        try checkSize(rumor)
        return wrap(rumor, author: author, recipient: recipient, now: now, sealKey: sealKey)
    }

    /// ``checkedWrap(_:author:recipient:now:sealKey:)`` with the seal's conversation key and the recipient's parsed
    /// key taken from `keys` (whose secret key must be `author`'s): no ECDH for the seal and no key parse for the
    /// wrap once `recipient` is cached.
    /// - Parameter wrapKey: the wrap's one-time key, made ahead for `recipient` (``GiftWrapKey``); then the wrap
    ///   costs no key generation and no ECDH either.
    public static func checkedWrap(
        _ rumor: Rumor, author: KeyPair, recipient: PublicKey, now: Int64, keys: ConversationKeyCache, wrapKey: GiftWrapKey? = nil
    ) throws(NIP44Error) -> Event {
        precondition(keys.secretKey == author.secretKey, "the cache must hold the author's conversation keys")
        try checkSize(rumor)
        return wrap(
            rumor, author: author, recipient: recipient, sealTime: randomPast(now), wrapTime: randomPast(now), extraWrapTags: [],
            sealKey: keys.nip44Key(for: recipient), recipientPoint: wrapKey == nil ? keys.point(for: recipient) : nil, wrapKey: wrapKey)
    }

    /// Refuses rumors too large for two NIP-44 layers.
    private static func checkSize(_ rumor: Rumor) throws(NIP44Error) {
        let rumorLength = rumor.jsonString.utf8.count
        // The seal JSON is about 4/3 of the rumor plus ~400 bytes of envelope; both must fit in 65535.
        let sealEstimate = (NIP44.paddedLength(rumorLength) + 99) / 3 * 4 + 4 + 400
        guard rumorLength <= NIP44.maximumPlaintextLength, sealEstimate <= NIP44.maximumPlaintextLength else {
            throw .invalidPlaintextLength(rumorLength)
        }
    }

    /// Opens a gift wrap addressed to the owner of `keys`.
    /// - Parameters:
    ///   - verifyingWrap: also check the outer id and signature (skip only if the caller already did).
    ///   - acceptingSeal: asked with the seal's claimed author before the seal is verified or its layer decrypted;
    ///     `false` stops there with ``NIP59Error/sealAuthorRefused(_:)`` (a stranger's wrap then costs no seal
    ///     verification, no ECDH, and no place in the key cache).
    public static func unwrap(
        _ wrap: Event, keys: ConversationKeyCache, verifyingWrap: Bool = true,
        acceptingSeal: ((String) -> Bool)? = nil
    ) throws(NIP59Error) -> UnwrappedGift {
        guard wrap.kind == 1059 || wrap.kind == 21059 else { throw .notAGiftWrap(kind: wrap.kind) }
        if verifyingWrap {
            do { try wrap.verify() } catch { throw .invalidWrap(error) }
        }
        // The wrap key is one-time: computing it directly keeps it out of the peer cache. Its bytes are parsed once,
        // by the ECDH itself.
        guard let ephemeral = Hex.decodeLowercase(wrap.pubkey, count: 32),
            let wrapSharedX = ECDH.sharedX(secretKey: keys.secretKey, unvalidated: ephemeral)
        else {
            throw .invalidWrap(.invalidPublicKey)
        }
        let wrapKey = NIP44.conversationKey(sharedX: wrapSharedX)
        let sealJSON: String
        do { sealJSON = try NIP44.decrypt(wrap.content, conversationKey: wrapKey) } catch {
            throw .decryptionFailed(layer: "gift wrap", error)
        }
        let seal: Event
        do { seal = try Event.parse(sealJSON) } catch { throw .invalidSeal(error.description) }
        guard seal.kind == 13 else { throw .invalidSeal("kind is \(seal.kind), expected 13") }
        guard seal.tags.isEmpty else { throw .invalidSeal("tags must be empty") }
        if let acceptingSeal, !acceptingSeal(seal.pubkey) { throw .sealAuthorRefused(seal.pubkey) }
        // The verified author comes out of the check itself (its key parsed once, or not at all for a cached peer).
        let sender: PublicKey
        do { sender = try seal.verifiedAuthor(keys: keys) } catch {
            throw .invalidSeal(error.description)
        }
        let rumorJSON: String
        do { rumorJSON = try NIP44.decrypt(seal.content, conversationKey: keys.nip44Key(for: sender)) } catch {
            throw .decryptionFailed(layer: "seal", error)
        }
        let rumor: Rumor
        do { rumor = try Rumor.parse(rumorJSON) } catch { throw .invalidRumor(error) }
        guard rumor.pubkey == seal.pubkey else { throw .senderMismatch(sealPubkey: seal.pubkey, rumorPubkey: rumor.pubkey) }
        return UnwrappedGift(wrapID: wrap.id, sender: sender, rumor: rumor)
    }

    /// Opens a gift wrap with a one-off key cache.
    public static func unwrap(_ wrap: Event, recipient: SecretKey) throws(NIP59Error) -> UnwrappedGift {
        try unwrap(wrap, keys: ConversationKeyCache(secretKey: recipient, capacity: 1))
    }

    static func randomPast(_ now: Int64) -> Int64 {
        now - Int64.random(in: 0...timestampJitter)
    }
}
