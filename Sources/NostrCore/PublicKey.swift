import CSecp256k1
import Encoding

/// A BIP-340 x-only public key: the 32-byte x-coordinate of a secp256k1 point with even y.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The 32 raw bytes.
    public let bytes: [UInt8]

    /// Creates a key from 32 bytes, checking that they name a point on the curve.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        var parsed = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(Secp256k1Context.shared.pointer, &parsed, bytes) == 1 else {
            throw .publicKeyNotOnCurve
        }
        self.bytes = bytes
    }

    /// For bytes libsecp256k1 itself produced from a valid point.
    init(validated bytes: [UInt8]) { self.bytes = bytes }

    /// Reads 64 hex characters or an `npub` (or the author of an `nprofile`).
    public init(parsing text: String) throws(KeyError) {
        switch try KeyText.parse(text) {
        case .hex(let raw): try self.init(bytes: raw)
        case .entity(.npub(let key)): self = key
        case .entity(.nprofile(let key, _)): self = key
        case .entity: throw .unrecognizedFormat(expected: "64 hex characters, an npub or an nprofile")
        }
    }

    /// Lowercase hex, as used in events and filters.
    public var hex: String { Hex.encode(bytes) }

    /// The NIP-19 `npub` form, for people.
    public var npub: String { NIP19.encode(.npub(self)) }

    public var description: String { hex }

    /// Hashes the 32 bytes in one call: an array's own hashing feeds its elements to the hasher one at a time, and
    /// keys are looked up several times per message (conversation keys, operators).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
