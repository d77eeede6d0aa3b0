/// A decrypted direct message whose author has been verified.
public struct DirectMessage: Sendable, Equatable {
    /// How it was sent.
    public enum Scheme: String, Sendable, Codable {
        /// Kind 4, NIP-04 encryption.
        case nip04
        /// NIP-17: a kind-14 rumor in a NIP-59 gift wrap.
        case nip17
    }

    /// The message's identity: the kind-4 event id, or the rumor id for NIP-17 (the same in every copy).
    public let id: String
    /// The event that carried it (the kind-4 event or the gift wrap).
    public let carrierID: String
    /// The verified author.
    public let sender: PublicKey
    public let scheme: Scheme
    /// The message's own time: the kind-4 `created_at`, or the rumor's (a wrap's outer time says nothing).
    public let createdAt: Int64
    public let text: String
    /// The tags of the kind-4 event or of the rumor.
    public let tags: [[String]]

    public init(id: String, carrierID: String, sender: PublicKey, scheme: Scheme, createdAt: Int64, text: String, tags: [[String]]) {
        self.id = id
        self.carrierID = carrierID
        self.sender = sender
        self.scheme = scheme
        self.createdAt = createdAt
        self.text = text
        self.tags = tags
    }
}
