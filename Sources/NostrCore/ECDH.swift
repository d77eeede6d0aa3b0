import CSecp256k1

/// Elliptic-curve Diffie-Hellman as NIP-04 and NIP-44 use it: the shared point's x-coordinate, unhashed.
public enum ECDH {
    /// Returns the 32-byte x-coordinate of `secretKey · lift_x(publicKey)`.
    public static func sharedX(secretKey: SecretKey, publicKey: PublicKey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = og_ecdh_xonly(Secp256k1Context.shared.pointer, &out, secretKey.bytes, publicKey.bytes)
        // Both keys were validated on construction, so the multiplication cannot fail.
        precondition(ok == 1, "libsecp256k1 ECDH failed on validated keys")
        return out
    }

    /// ``sharedX(secretKey:publicKey:)`` with 32 bytes not yet known to be a key: `nil` when they name no point on
    /// the curve. Parses them once (a ``PublicKey`` first would lift them twice).
    static func sharedX(secretKey: SecretKey, unvalidated xonly: [UInt8]) -> [UInt8]? {
        guard xonly.count == 32 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        guard og_ecdh_xonly(Secp256k1Context.shared.pointer, &out, secretKey.bytes, xonly) == 1 else { return nil }
        return out
    }

    /// ``sharedX(secretKey:publicKey:)`` with the peer's point already lifted (``ConversationKeyCache/point(for:)``).
    static func sharedX(secretKey: SecretKey, point: secp256k1_pubkey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var point = point
        let ok = og_ecdh_point(Secp256k1Context.shared.pointer, &out, secretKey.bytes, &point)
        precondition(ok == 1, "libsecp256k1 ECDH failed on a validated point")
        return out
    }

    /// Lifts a validated key to its curve point (even y), for ``sharedX(secretKey:point:)``.
    static func point(of key: PublicKey) -> secp256k1_pubkey {
        var point = secp256k1_pubkey()
        precondition(og_pubkey_lift_x(Secp256k1Context.shared.pointer, &point, key.bytes) == 1, "a validated key is on the curve")
        return point
    }
}
