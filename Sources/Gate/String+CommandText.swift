import Foundation

extension String {
    /// The text with CRLF as LF and no whitespace or newline at either end: how a command's text is read (the
    /// grammar) and keyed (``IdempotencyKey``). Most texts need neither change: those are returned as they are,
    /// without Foundation's bridged search and trim (a few µs a command).
    public var commandText: String {
        let scalars = unicodeScalars
        guard
            utf8.contains(UInt8(ascii: "\r")) || scalars.first.map(CharacterSet.whitespacesAndNewlines.contains) == true
                || scalars.last.map(CharacterSet.whitespacesAndNewlines.contains) == true
        else { return self }
        return replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
