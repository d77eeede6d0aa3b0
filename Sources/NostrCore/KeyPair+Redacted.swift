/// A keypair holds the secret key twice (``KeyPair/secretKey`` and libsecp256k1's own keypair bytes): its
/// description, debug description and mirror show only the public key, so printing any value that holds one (a
/// service in a lifecycle log line, `dump`, string interpolation) never writes the secret.
extension KeyPair: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "KeyPair(publicKey: \(publicKey.hex), secret redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey], displayStyle: .struct) }
}
