/// Why a NIP-44 v2 operation failed. Messages follow the NIP's own wording where it has one.
public enum NIP44Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The payload starts with `#` (a non-base64 future version marker) or is empty.
    case unsupportedVersionMarker
    /// The base64 payload is shorter than 132 or longer than 87472 characters.
    case invalidPayloadSize(Int)
    /// The payload is not valid base64.
    case invalidBase64
    /// The decoded payload is shorter than 99 or longer than 65603 bytes.
    case invalidDataSize(Int)
    /// The version byte is not 2.
    case unknownVersion(UInt8)
    /// The MAC does not match: wrong key, or tampered or corrupted payload.
    case invalidMAC
    /// The decrypted padding or length prefix is inconsistent.
    case invalidPadding
    /// The plaintext is empty or longer than 65535 bytes.
    case invalidPlaintextLength(Int)
    /// The nonce is not 32 bytes.
    case invalidNonceLength(Int)
    /// The conversation key is not 32 bytes.
    case invalidConversationKeyLength(Int)
    /// The plaintext is not UTF-8.
    case notUTF8

    public var description: String {
        switch self {
        case .unsupportedVersionMarker: return "NIP-44 payload is empty or uses an unsupported encoding version ('#')"
        case .invalidPayloadSize(let n): return "NIP-44 payload is \(n) characters; valid v2 payloads are 132...87472"
        case .invalidBase64: return "NIP-44 payload is not valid base64"
        case .invalidDataSize(let n): return "NIP-44 payload decodes to \(n) bytes; valid v2 payloads are 99...65603"
        case .unknownVersion(let v): return "NIP-44 payload has unknown encryption version \(v); only 2 is supported"
        case .invalidMAC: return "NIP-44 MAC does not match: wrong key, or the payload was altered"
        case .invalidPadding: return "NIP-44 plaintext padding is invalid"
        case .invalidPlaintextLength(let n): return "NIP-44 plaintext must be 1...65535 bytes, got \(n)"
        case .invalidNonceLength(let n): return "NIP-44 nonce must be 32 bytes, got \(n)"
        case .invalidConversationKeyLength(let n): return "NIP-44 conversation key must be 32 bytes, got \(n)"
        case .notUTF8: return "NIP-44 plaintext is not valid UTF-8"
        }
    }
}
