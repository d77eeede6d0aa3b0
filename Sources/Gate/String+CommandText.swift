import Foundation

extension String {
    /// The text with CRLF as LF and no whitespace or newline at either end: how a command's text is read (the
    /// grammar) and keyed (``IdempotencyKey``). Most texts need neither change: those are returned as they are,
    /// without Foundation's bridged search and trim (a few µs a command).
    public var commandText: String {
        let scalars = unicodeScalars
        guard
            utf8.contains(UInt8(ascii: "\r")) || scalars.first.map(Self.isTrimmed) == true
                || scalars.last.map(Self.isTrimmed) == true
        else { return self }
        return replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `.whitespacesAndNewlines` contains `scalar`, from the standard library's tables: that set is Unicode's
    /// White_Space property plus U+200B (ZERO WIDTH SPACE) in swift-corelibs-foundation, and its getter builds and
    /// casts a `CharacterSet` on every call (a test compares the two over every scalar).
    static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value == 0x200B
    }
}
