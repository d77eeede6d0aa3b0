/// Why an event could not be decoded or verified. Each message names the field and the rule.
public enum EventError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not JSON at all, or not an object.
    case malformedJSON(String)
    /// A required field is absent.
    case missingField(String)
    /// A field has the wrong JSON type or shape.
    case wrongType(field: String, expected: String)
    /// A hex field is not lowercase hex of the right length.
    case invalidHex(field: String, expectedCharacters: Int)
    /// `kind` is outside 0…65535.
    case kindOutOfRange(Int64)
    /// `created_at` is negative.
    case negativeCreatedAt(Int64)
    /// The `id` is not the SHA-256 of the canonical serialization.
    case idMismatch(claimed: String, computed: String)
    /// The `pubkey` is not a point on secp256k1.
    case invalidPublicKey
    /// The signature does not verify against `id` and `pubkey`.
    case badSignature

    public var description: String {
        switch self {
        case .malformedJSON(let detail): return "event is not a JSON object: \(detail)"
        case .missingField(let field): return "event has no '\(field)' field"
        case .wrongType(let field, let expected): return "event field '\(field)' must be \(expected)"
        case .invalidHex(let field, let count): return "event field '\(field)' must be \(count) lowercase hex characters"
        case .kindOutOfRange(let kind): return "event kind \(kind) is outside 0...65535"
        case .negativeCreatedAt(let value): return "event created_at \(value) is negative"
        case .idMismatch(let claimed, let computed):
            return "event id \(claimed) does not match its content (computed \(computed))"
        case .invalidPublicKey: return "event pubkey is not a valid secp256k1 x-only key"
        case .badSignature: return "event signature does not verify"
        }
    }
}
