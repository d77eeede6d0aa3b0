/// NIP-17 private direct messages: kind-14 rumors delivered as NIP-59 gift wraps.
public enum NIP17 {
    /// A message ready to publish: one wrap for the recipient and one copy for the author's other devices.
    public struct Outgoing: Sendable {
        /// The kind-14 rumor (its `id` identifies the message across both wraps).
        public let rumor: Rumor
        /// Publish to the recipient's relays.
        public let toRecipient: Event
        /// Publish to the author's relays, so the author's other clients show the sent message.
        public let toSelf: Event
    }

    /// Builds a kind-14 message from `author` to `recipient`.
    /// - Parameters:
    ///   - replyTo: the rumor id being answered, added as an `e` tag.
    ///   - now: the real send time (the rumor keeps it; seal and wraps are backdated at random).
    public static func message(
        _ text: String, author: KeyPair, recipient: PublicKey, now: Int64,
        replyTo: String? = nil, subject: String? = nil
    ) throws(NIP44Error) -> Outgoing {
        let rumor = Self.rumor(text, author: author.publicKey, recipient: recipient, now: now, replyTo: replyTo, subject: subject)
        let toRecipient = try NIP59.checkedWrap(rumor, author: author, recipient: recipient, now: now)
        let toSelf = try NIP59.checkedWrap(rumor, author: author, recipient: author.publicKey, now: now)
        return Outgoing(rumor: rumor, toRecipient: toRecipient, toSelf: toSelf)
    }

    /// The kind-14 rumor of a message (``message(_:author:recipient:now:replyTo:subject:)`` wraps it twice), for callers
    /// that wrap it themselves.
    public static func rumor(
        _ text: String, author: PublicKey, recipient: PublicKey, now: Int64, replyTo: String? = nil, subject: String? = nil
    ) -> Rumor {
        var tags = [["p", recipient.hex]]
        if let replyTo { tags.append(["e", replyTo]) }
        if let subject { tags.append(["subject", subject]) }
        return EventTemplate(kind: 14, content: text, tags: tags, createdAt: now).rumor(author: author)
    }
}
