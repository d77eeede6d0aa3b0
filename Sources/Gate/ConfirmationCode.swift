/// Confirmation codes: random, at least 4 characters from Crockford's base-32 alphabet (no I, L, O or U, so no
/// look-alikes), read case-insensitively with O as 0 and I or L as 1.
public enum ConfirmationCode {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 4

    /// A fresh random code of `length` characters.
    public static func generate(length: Int = length) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<max(length, Self.length)).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// The code as stored: uppercase, look-alikes mapped; `nil` when it cannot be one (4 to 8 alphabet characters).
    public static func normalize(_ text: String) -> String? {
        let mapped = text.uppercased().map { character -> Character in
            switch character {
            case "O": return "0"
            case "I", "L": return "1"
            default: return character
            }
        }
        guard (length...8).contains(mapped.count), mapped.allSatisfy(alphabet.contains) else { return nil }
        return String(mapped)
    }
}
