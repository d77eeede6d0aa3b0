import Crypto
import CryptoExtras
import Foundation

/// NIP-04 encrypted direct messages: AES-256-CBC with PKCS#7 under the unhashed ECDH x-coordinate,
/// encoded as `base64(ciphertext) + "?iv=" + base64(iv)`.
public enum NIP04 {
    /// The AES key shared by `secretKey` and `publicKey` (symmetric).
    public static func sharedKey(secretKey: SecretKey, publicKey: PublicKey) -> [UInt8] {
        ECDH.sharedX(secretKey: secretKey, publicKey: publicKey)
    }

    /// Encrypts `plaintext` with a fresh random IV (or `iv`, for tests).
    public static func encrypt(_ plaintext: String, secretKey: SecretKey, publicKey: PublicKey, iv: [UInt8]? = nil) -> String {
        encrypt(plaintext, sharedKey: sharedKey(secretKey: secretKey, publicKey: publicKey), iv: iv)
    }

    /// Encrypts under a precomputed shared key.
    public static func encrypt(_ plaintext: String, sharedKey: [UInt8], iv: [UInt8]? = nil) -> String {
        let ivBytes = iv ?? SecureRandom.bytes(16)
        precondition(ivBytes.count == 16 && sharedKey.count == 32)
        // Cannot throw: key and IV sizes are checked above.
        let ciphertext = try! AES._CBC.encrypt(
            Array(plaintext.utf8), using: SymmetricKey(data: sharedKey),
            iv: try! AES._CBC.IV(ivBytes: ivBytes))
        return ciphertext.base64EncodedString() + "?iv=" + Data(ivBytes).base64EncodedString()
    }

    /// Decrypts a payload from `publicKey` (or sent to it by us).
    public static func decrypt(_ payload: String, secretKey: SecretKey, publicKey: PublicKey) throws(NIP04Error) -> String {
        try decrypt(payload, sharedKey: sharedKey(secretKey: secretKey, publicKey: publicKey))
    }

    /// Decrypts under a precomputed shared key.
    public static func decrypt(_ payload: String, sharedKey: [UInt8]) throws(NIP04Error) -> String {
        let parts = payload.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].hasPrefix("iv=") else { throw .malformedPayload }
        guard let ciphertext = Data(base64Encoded: String(parts[0])) else { throw .invalidBase64(part: "ciphertext") }
        guard let iv = Data(base64Encoded: String(parts[1].dropFirst(3))) else { throw .invalidBase64(part: "IV") }
        guard iv.count == 16 else { throw .invalidIVLength(iv.count) }
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { throw .invalidCiphertextLength(ciphertext.count) }
        let plaintext: Data
        do {
            plaintext = try AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: sharedKey), iv: try AES._CBC.IV(ivBytes: iv))
        } catch {
            throw .decryptionFailed
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw .notUTF8 }
        return text
    }
}
