extension NIP04 {
    /// A signed kind-4 direct message from `author` to `recipient`: content encrypted with NIP-04, tagged
    /// `["p", recipient]` and, when answering, `["e", replyTo]`.
    /// - Parameter sharedKey: the precomputed ``sharedKey(secretKey:publicKey:)`` with `recipient`, to skip the ECDH.
    public static func message(
        _ text: String, author: KeyPair, recipient: PublicKey, now: Int64, replyTo: String? = nil,
        sharedKey: [UInt8]? = nil
    ) -> Event {
        let key = sharedKey ?? Self.sharedKey(secretKey: author.secretKey, publicKey: recipient)
        var tags = [["p", recipient.hex]]
        if let replyTo { tags.append(["e", replyTo]) }
        return EventTemplate(kind: 4, content: encrypt(text, sharedKey: key), tags: tags, createdAt: now).sign(with: author)
    }
}
