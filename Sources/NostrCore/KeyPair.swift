import CSecp256k1

/// A secret key with its libsecp256k1 keypair precomputed, ready to sign.
public struct KeyPair: Sendable {
    /// The secret half.
    public let secretKey: SecretKey
    /// The x-only public half.
    public let publicKey: PublicKey
    let raw: secp256k1_keypair

    /// Builds the keypair (one point multiplication).
    public init(secretKey: SecretKey) {
        var keypair = secp256k1_keypair()
        let context = Secp256k1Context.shared.pointer
        // Cannot fail: `SecretKey` already checked the range.
        precondition(secp256k1_keypair_create(context, &keypair, secretKey.bytes) == 1)
        var xonly = secp256k1_xonly_pubkey()
        precondition(secp256k1_keypair_xonly_pub(context, &xonly, nil, &keypair) == 1)
        var serialized = [UInt8](repeating: 0, count: 32)
        precondition(secp256k1_xonly_pubkey_serialize(context, &serialized, &xonly) == 1)
        self.secretKey = secretKey
        // Serialized from a valid point, so no need to check it again.
        self.publicKey = PublicKey(validated: serialized)
        self.raw = keypair
    }
}
