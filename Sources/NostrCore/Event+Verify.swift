import Encoding

extension Event {
    /// Recomputes the id from the fields and checks the BIP-340 signature against it.
    /// - Throws: ``EventError/idMismatch(claimed:computed:)``, ``EventError/invalidPublicKey`` or
    ///   ``EventError/badSignature``.
    public func verify() throws(EventError) {
        _ = try verifiedAuthor()
    }

    /// ``verify()``, returning the author's key (parsed once, for the signature check).
    public func verifiedAuthor() throws(EventError) -> PublicKey {
        try verifiedAuthor(keys: nil)
    }

    /// ``verifiedAuthor()``, taking the author's parsed key from `keys` when it holds the author (a peer it has
    /// conversation keys for): the check then skips parsing the key. The outcome is the same either way.
    public func verifiedAuthor(keys: ConversationKeyCache?) throws(EventError) -> PublicKey {
        let computed = Event.idBytes(pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content)
        guard let claimed = Hex.decodeLowercase(id, count: 32), claimed == computed else {
            throw .idMismatch(claimed: id, computed: Hex.encode(computed))
        }
        guard let key = Hex.decodeLowercase(pubkey, count: 32) else { throw .invalidPublicKey }
        guard let signature = Hex.decodeLowercase(sig, count: 64),
            keys?.parsedKey(key).map({ Schnorr.verify(signature: signature, message: computed, parsedKey: $0) })
                ?? Schnorr.verify(signature: signature, message: computed, publicKey: key)
        else {
            // Only on the failure path: tell a key that is off the curve from a bad signature.
            throw (try? PublicKey(bytes: key)) == nil ? .invalidPublicKey : .badSignature
        }
        return PublicKey(validated: key)
    }

    /// `true` when ``verify()`` would succeed.
    public var isValid: Bool { (try? verify()) != nil }
}
