/// Why a NIP-19 (bech32) string could not be decoded.
public enum NIP19Error: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLong(Int)
    case tooShort
    case mixedCase
    case missingSeparator
    case missingPrefix
    case invalidCharacter
    case badChecksum
    case badPadding
    /// The prefix is not one NIP-19 defines, or not the one the caller asked for.
    case unexpectedPrefix(found: String, expected: [String])
    /// The payload has the wrong size for its prefix.
    case wrongPayloadLength(prefix: String, expected: Int, actual: Int)
    /// A TLV entry is truncated or a required one is missing.
    case malformedTLV(String)
    /// The embedded key is not valid.
    case invalidKey(String)

    public var description: String {
        switch self {
        case .tooLong(let count): return "NIP-19 string is \(count) characters; at most \(Bech32.maximumLength) are accepted"
        case .tooShort: return "NIP-19 string is too short to hold a bech32 checksum"
        case .mixedCase: return "NIP-19 string mixes upper and lower case"
        case .missingSeparator: return "NIP-19 string has no '1' separator after its prefix"
        case .missingPrefix: return "NIP-19 string has no prefix before the '1' separator"
        case .invalidCharacter: return "NIP-19 string contains a character outside the bech32 alphabet"
        case .badChecksum: return "NIP-19 checksum does not match: the string was mistyped or truncated"
        case .badPadding: return "NIP-19 payload has invalid bit padding"
        case .unexpectedPrefix(let found, let expected):
            return "NIP-19 prefix '\(found)' is not accepted here; expected \(expected.joined(separator: " or "))"
        case .wrongPayloadLength(let prefix, let expected, let actual):
            return "\(prefix) must carry \(expected) bytes, this one carries \(actual)"
        case .malformedTLV(let detail): return "NIP-19 TLV payload is malformed: \(detail)"
        case .invalidKey(let detail): return "NIP-19 string holds an invalid key: \(detail)"
        }
    }
}
