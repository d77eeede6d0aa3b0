import Crypto
import CryptoExtras
import Foundation

/// NIP-44 version 2 payload encryption (used by NIP-17 and NIP-59).
///
/// ```swift
/// let key = NIP44.conversationKey(secretKey: mine, publicKey: theirs)
/// let payload = try NIP44.encrypt("hi", conversationKey: key)
/// let text = try NIP44.decrypt(payload, conversationKey: key)
/// ```
public enum NIP44 {
    /// Plaintext limit of the classic v2 format (2-byte length prefix), which the public vectors and rust-nostr
    /// 0.45 implement. The 2026 extension to longer messages is deliberately not produced or accepted.
    public static let maximumPlaintextLength = 65535
    private static let salt = Array("nip44-v2".utf8)

    /// HKDF-extract(SHA-256, IKM = unhashed ECDH x, salt = "nip44-v2"). Symmetric in the two parties.
    public static func conversationKey(secretKey: SecretKey, publicKey: PublicKey) -> [UInt8] {
        conversationKey(sharedX: ECDH.sharedX(secretKey: secretKey, publicKey: publicKey))
    }

    static func conversationKey(sharedX: [UInt8]) -> [UInt8] {
        Array(HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: sharedX), salt: salt))
    }

    /// The per-message keys: HKDF-expand(conversation key, info = nonce, 76 bytes).
    public struct MessageKeys: Equatable, Sendable {
        public let chachaKey: [UInt8]
        public let chachaNonce: [UInt8]
        public let hmacKey: [UInt8]
    }

    /// Derives the message keys for `nonce`.
    public static func messageKeys(conversationKey: [UInt8], nonce: [UInt8]) throws(NIP44Error) -> MessageKeys {
        guard conversationKey.count == 32 else { throw .invalidConversationKeyLength(conversationKey.count) }
        guard nonce.count == 32 else { throw .invalidNonceLength(nonce.count) }
        let expanded = HKDF<SHA256>.expand(pseudoRandomKey: conversationKey, info: nonce, outputByteCount: 76)
        let bytes = expanded.withUnsafeBytes { Array($0) }
        return MessageKeys(chachaKey: Array(bytes[0..<32]), chachaNonce: Array(bytes[32..<44]), hmacKey: Array(bytes[44..<76]))
    }

    /// The padded length for an unpadded plaintext length (NIP-44 `calc_padded_len`).
    public static func paddedLength(_ unpaddedLength: Int) -> Int {
        if unpaddedLength <= 32 { return 32 }
        let nextPower = 1 << (Int.bitWidth - (unpaddedLength - 1).leadingZeroBitCount)
        let chunk = nextPower <= 256 ? 32 : nextPower / 8
        return chunk * ((unpaddedLength - 1) / chunk + 1)
    }

    static func pad(_ plaintext: [UInt8]) throws(NIP44Error) -> [UInt8] {
        guard (1...maximumPlaintextLength).contains(plaintext.count) else { throw .invalidPlaintextLength(plaintext.count) }
        var out = [UInt8(plaintext.count >> 8), UInt8(plaintext.count & 0xff)]
        out.reserveCapacity(2 + paddedLength(plaintext.count))
        out.append(contentsOf: plaintext)
        out.append(contentsOf: repeatElement(0, count: paddedLength(plaintext.count) - plaintext.count))
        return out
    }

    static func unpad(_ padded: [UInt8]) throws(NIP44Error) -> [UInt8] {
        guard padded.count >= 2 else { throw .invalidPadding }
        let length = Int(padded[0]) << 8 | Int(padded[1])
        guard length > 0, 2 + length <= padded.count, padded.count == 2 + paddedLength(length) else {
            throw .invalidPadding
        }
        return Array(padded[2..<(2 + length)])
    }

    /// Encrypts `plaintext` (1…65535 UTF-8 bytes) under a conversation key.
    /// - Parameter nonce: 32 bytes; fresh CSPRNG bytes when `nil`. Only tests should pass one.
    public static func encrypt(_ plaintext: String, conversationKey: [UInt8], nonce: [UInt8]? = nil) throws(NIP44Error) -> String {
        let nonce = nonce ?? SecureRandom.bytes(32)
        let keys = try messageKeys(conversationKey: conversationKey, nonce: nonce)
        let padded = try pad(Array(plaintext.utf8))
        let ciphertext = chacha20(padded, keys: keys)
        var authenticated = nonce
        authenticated.append(contentsOf: ciphertext)
        let mac = HMAC<SHA256>.authenticationCode(for: authenticated, using: SymmetricKey(data: keys.hmacKey))
        var payload: [UInt8] = [2]
        payload.reserveCapacity(1 + 32 + ciphertext.count + 32)
        payload.append(contentsOf: authenticated)
        payload.append(contentsOf: mac)
        return Data(payload).base64EncodedString()
    }

    /// Decrypts a v2 payload. The MAC is checked in constant time before anything is decrypted.
    public static func decrypt(_ payload: String, conversationKey: [UInt8]) throws(NIP44Error) -> String {
        guard conversationKey.count == 32 else { throw .invalidConversationKeyLength(conversationKey.count) }
        guard let first = payload.utf8.first, first != UInt8(ascii: "#") else { throw .unsupportedVersionMarker }
        let length = payload.utf8.count
        guard (132...87472).contains(length) else { throw .invalidPayloadSize(length) }
        guard let data = Data(base64Encoded: payload) else { throw .invalidBase64 }
        guard (99...65603).contains(data.count) else { throw .invalidDataSize(data.count) }
        let bytes = [UInt8](data)
        guard bytes[0] == 2 else { throw .unknownVersion(bytes[0]) }
        let nonce = Array(bytes[1..<33])
        let authenticated = bytes[1..<(bytes.count - 32)]
        let mac = bytes[(bytes.count - 32)...]
        let keys = try messageKeys(conversationKey: conversationKey, nonce: nonce)
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: authenticated, using: SymmetricKey(data: keys.hmacKey)) else {
            throw .invalidMAC
        }
        let padded = chacha20(Array(bytes[33..<(bytes.count - 32)]), keys: keys)
        let plaintext = try unpad(padded)
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    private static func chacha20(_ input: [UInt8], keys: MessageKeys) -> [UInt8] {
        // Sizes are fixed by `messageKeys`, so neither initializer nor the cipher can throw.
        let nonce = try! Insecure.ChaCha20CTR.Nonce(data: keys.chachaNonce)
        return [UInt8](try! Insecure.ChaCha20CTR.encrypt(input, using: SymmetricKey(data: keys.chachaKey), nonce: nonce))
    }
}
