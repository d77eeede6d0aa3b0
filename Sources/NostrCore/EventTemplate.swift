import Encoding

/// The parts of an event its author chooses; signing adds `pubkey`, `id` and `sig`.
public struct EventTemplate: Hashable, Sendable {
    public var kind: Int
    public var content: String
    public var tags: [[String]]
    public var createdAt: Int64

    public init(kind: Int, content: String, tags: [[String]] = [], createdAt: Int64) {
        (self.kind, self.content, self.tags, self.createdAt) = (kind, content, tags, createdAt)
    }

    /// Signs with fresh BIP-340 auxiliary randomness.
    public func sign(with keyPair: KeyPair) -> Event {
        let pubkey = keyPair.publicKey.hex
        let id = Event.idBytes(pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content)
        let signature = Schnorr.sign(message: id, with: keyPair)
        return Event(
            id: Hex.encode(id), pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags,
            content: content, sig: Hex.encode(signature))
    }

    /// The unsigned form with its id, as NIP-59 rumors travel.
    public func rumor(author: PublicKey) -> Rumor {
        Rumor(pubkey: author.hex, createdAt: createdAt, kind: kind, tags: tags, content: content)
    }
}
