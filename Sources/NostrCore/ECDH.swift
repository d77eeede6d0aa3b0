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
}
