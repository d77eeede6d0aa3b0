import CSecp256k1

/// BIP-340 Schnorr signatures over secp256k1.
public enum Schnorr {
    /// Signs `message` (any length; Nostr signs 32-byte event ids).
    /// - Parameter auxiliaryRandomness: 32 bytes; fresh CSPRNG bytes when `nil` (BIP-340 "default signing").
    public static func sign(message: [UInt8], with keyPair: KeyPair, auxiliaryRandomness: [UInt8]? = nil) -> [UInt8] {
        var aux = auxiliaryRandomness ?? SecureRandom.bytes(32)
        precondition(aux.count == 32, "BIP-340 auxiliary randomness is 32 bytes")
        var signature = [UInt8](repeating: 0, count: 64)
        var keypair = keyPair.raw
        let context = Secp256k1Context.shared.pointer
        let signed: Int32
        if message.count == 32 {
            signed = secp256k1_schnorrsig_sign32(context, &signature, message, &keypair, aux)
        } else {
            signed = message.withUnsafeBufferPointer { buffer in
                og_schnorrsig_sign_custom(context, &signature, buffer.baseAddress, buffer.count, &keypair, &aux)
            }
        }
        // Only fails for an invalid keypair, which `KeyPair` rules out.
        precondition(signed == 1, "libsecp256k1 refused to sign with a valid keypair")
        return signature
    }

    /// Verifies a 64-byte signature over `message` by the x-only key `publicKey` (32 raw bytes).
    /// Returns `false` for a malformed key or signature instead of throwing.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32 else { return false }
        var xonly = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(Secp256k1Context.shared.pointer, &xonly, publicKey) == 1 else { return false }
        return verify(signature: signature, message: message, parsedKey: xonly)
    }

    /// ``verify(signature:message:publicKey:)`` with the key already parsed (``ConversationKeyCache``): parsing an
    /// x-only key lifts it onto the curve, a square root of about 5 µs, an eighth of the check.
    static func verify(signature: [UInt8], message: [UInt8], parsedKey: secp256k1_xonly_pubkey) -> Bool {
        guard signature.count == 64 else { return false }
        var xonly = parsedKey
        return message.withUnsafeBufferPointer { buffer in
            secp256k1_schnorrsig_verify(Secp256k1Context.shared.pointer, signature, buffer.baseAddress, buffer.count, &xonly) == 1
        }
    }
}
