import Encoding

/// A key as a person types it: 64 hex characters, or a NIP-19 entity (surrounding whitespace ignored). What
/// ``PublicKey/init(parsing:)`` and ``SecretKey/init(parsing:)`` both read before they pick their entities.
enum KeyText {
    case hex([UInt8])
    case entity(NIP19Entity)

    static func parse(_ text: String) throws(KeyError) -> KeyText {
        let trimmed = text.trimmingWhitespace()
        if trimmed.utf8.count == 64, let raw = Hex.decode(trimmed) { return .hex(raw) }
        do { return .entity(try NIP19.decode(trimmed)) } catch { throw .nip19(error) }
    }
}
