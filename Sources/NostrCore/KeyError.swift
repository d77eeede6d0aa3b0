/// Why a key could not be read.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is neither 64 hex characters nor a NIP-19 string of the right kind.
    case unrecognizedFormat(expected: String)
    /// The bytes are not a valid secp256k1 secret key (zero, or not below the group order).
    case secretKeyOutOfRange
    /// The bytes are not the x-coordinate of a point on secp256k1.
    case publicKeyNotOnCurve
    /// A key had the wrong number of bytes.
    case wrongLength(expected: Int, actual: Int)
    /// The NIP-19 string could not be decoded.
    case nip19(NIP19Error)

    public var description: String {
        switch self {
        case .unrecognizedFormat(let expected):
            return "not a key: expected \(expected)"
        case .secretKeyOutOfRange:
            return "secret key is zero or not below the secp256k1 group order"
        case .publicKeyNotOnCurve:
            return "public key is not the x-coordinate of a point on secp256k1"
        case .wrongLength(let expected, let actual):
            return "key must be \(expected) bytes, got \(actual)"
        case .nip19(let error):
            return error.description
        }
    }
}
