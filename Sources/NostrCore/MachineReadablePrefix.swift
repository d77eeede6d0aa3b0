/// The machine-readable prefix of an OK or CLOSED message (`"duplicate: already have this event"`).
public enum MachineReadablePrefix: String, Sendable, CaseIterable {
    case duplicate
    case pow
    case blocked
    case rateLimited = "rate-limited"
    case invalid
    case restricted
    case mute
    case error
    case authRequired = "auth-required"

    /// Reads the prefix before the first `:`; `nil` when there is none or it is not a NIP-01/NIP-42 prefix.
    public init?(message: String) {
        guard let colon = message.firstIndex(of: ":") else { return nil }
        self.init(rawValue: String(message[..<colon]))
    }
}
