import CSecp256k1
import Encoding

/// A secp256k1 secret key. Its `description` is redacted so it never reaches a log by accident.
public struct SecretKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The 32 raw bytes. Handle with care.
    public let bytes: [UInt8]

    /// Creates a key from 32 bytes, checking `0 < key < n`.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == 32 else { throw .wrongLength(expected: 32, actual: bytes.count) }
        guard secp256k1_ec_seckey_verify(Secp256k1Context.shared.pointer, bytes) == 1 else {
            throw .secretKeyOutOfRange
        }
        self.bytes = bytes
    }

    /// A fresh key from the system CSPRNG.
    public static func generate() -> SecretKey {
        while true {
            if let key = try? SecretKey(bytes: SecureRandom.bytes(32)) { return key }
        }
    }

    /// Reads 64 hex characters or an `nsec`.
    public init(parsing text: String) throws(KeyError) {
        switch try KeyText.parse(text) {
        case .hex(let raw): try self.init(bytes: raw)
        case .entity(.nsec(let key)): self = key
        case .entity: throw .unrecognizedFormat(expected: "64 hex characters or an nsec")
        }
    }

    /// The matching x-only public key.
    public var publicKey: PublicKey { keyPair.publicKey }

    /// The key pair libsecp256k1 signs with; build it once when signing many events.
    public var keyPair: KeyPair { KeyPair(secretKey: self) }

    /// Lowercase hex. Handle with care.
    public var hex: String { Hex.encode(bytes) }

    /// The NIP-19 `nsec` form. Handle with care.
    public var nsec: String { NIP19.encode(.nsec(self)) }

    public var description: String { "SecretKey(redacted)" }
    public var debugDescription: String { description }
}
