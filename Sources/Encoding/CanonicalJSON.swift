/// The JSON string writer behind event ids and every frame NostrCore emits.
///
/// NIP-01 fixes the escaping for the id serialization: `\n \" \\ \r \t \b \f` as two-character escapes,
/// other control characters U+0000–U+001F as `\u00XX` with lowercase hex (what JSON.stringify, serde_json and
/// Python's `json.dumps(ensure_ascii=False)` produce), and everything else, including `/`, DEL, U+2028/U+2029 and
/// non-BMP characters, as raw UTF-8.
public enum CanonicalJSON {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `string` as a quoted, escaped JSON string.
    public static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x0a: out.append(UInt8(ascii: "n"))
                case 0x0d: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0c: out.append(UInt8(ascii: "f"))
                default:
                    out.append(contentsOf: [
                        UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]
                    ])
                }
            }
            if runStart < utf8.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `[[…],[…]]` for a list of string lists.
    public static func appendTags(_ tags: [[String]], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (tagIndex, tag) in tags.enumerated() {
            if tagIndex > 0 { out.append(UInt8(ascii: ",")) }
            appendStrings(tag, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends `["a","b"]`.
    public static func appendStrings(_ strings: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in strings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends an integer in decimal. Inlinable, so that callers get `String(_:)` specialized for their integer
    /// type instead of `BinaryInteger`'s generic digit loop (every event id hashes two integers).
    @inlinable
    public static func appendInteger<I: BinaryInteger>(_ value: I, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    /// Appends raw ASCII text such as punctuation or a literal.
    public static func appendRaw(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Quotes and escapes one string.
    public static func quoted(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count + 2)
        appendString(string, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
