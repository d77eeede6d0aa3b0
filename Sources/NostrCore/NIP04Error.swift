/// Why a NIP-04 payload could not be decrypted.
public enum NIP04Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `base64?iv=base64`.
    case malformedPayload
    /// The ciphertext or IV is not valid base64.
    case invalidBase64(part: String)
    /// The IV does not decode to 16 bytes.
    case invalidIVLength(Int)
    /// The ciphertext is empty or not a whole number of AES blocks.
    case invalidCiphertextLength(Int)
    /// PKCS#7 padding is wrong: most often the wrong key, or a corrupted payload.
    case decryptionFailed
    /// The plaintext is not UTF-8.
    case notUTF8

    public var description: String {
        switch self {
        case .malformedPayload: return "NIP-04 payload must look like '<base64 ciphertext>?iv=<base64 iv>'"
        case .invalidBase64(let part): return "NIP-04 \(part) is not valid base64"
        case .invalidIVLength(let count): return "NIP-04 IV must be 16 bytes, got \(count)"
        case .invalidCiphertextLength(let count): return "NIP-04 ciphertext must be a non-empty multiple of 16 bytes, got \(count)"
        case .decryptionFailed: return "NIP-04 decryption failed (bad padding): wrong key or corrupted payload"
        case .notUTF8: return "NIP-04 plaintext is not valid UTF-8"
        }
    }
}
