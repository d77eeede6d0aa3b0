/// A cheap look at a relay's `["EVENT", <sub>, {…}]` frame before it is decoded: the event's `kind` and
/// `pubkey`, found by walking the JSON bytes once without building anything.
///
/// For dropping events that would be dropped anyway (a stranger's kind-4 DM) without paying for a full
/// decode. It never validates: when the frame is not an EVENT frame, is malformed, or carries `kind` or
/// `pubkey` twice or in an unusual form (escapes in them), the answer is `nil` and the caller decodes the frame
/// as usual, where the real checks happen.
public enum EventPrescreen {
    public struct Summary: Equatable, Sendable {
        public let kind: Int
        /// The `pubkey` value as written (64 lowercase hex characters when the event is valid).
        public let pubkey: String
        public init(kind: Int, pubkey: String) { (self.kind, self.pubkey) = (kind, pubkey) }
    }

    public static func summary(_ frame: String) -> Summary? {
        JSONByteCursor.scan(frame) { $0.eventSummary() }
    }
}

extension JSONByteCursor {
    fileprivate mutating func eventSummary() -> EventPrescreen.Summary? {
        guard take(UInt8(ascii: "[")), let tag = stringRange(), equals(tag, "EVENT"), take(UInt8(ascii: ",")),
            stringRange() != nil, take(UInt8(ascii: ",")), take(UInt8(ascii: "{"))
        else { return nil }
        var kind: Int?
        var pubkey: String?
        if peek() == UInt8(ascii: "}") { return nil }
        while true {
            // A key with an escape could spell "kind" or "pubkey" to the full decoder (`"k\u0069nd"`) and
            // shadow the plain one: give up, the decoder decides.
            guard let key = stringRange(), !contains(key, UInt8(ascii: "\\")), take(UInt8(ascii: ":")) else { return nil }
            if equals(key, "kind") {
                guard kind == nil, let value = integer() else { return nil }
                kind = value
            } else if equals(key, "pubkey") {
                guard pubkey == nil, let range = stringRange(), !contains(range, UInt8(ascii: "\\")) else { return nil }
                pubkey = text(range)
            } else {
                guard skipValue(depth: 0) else { return nil }
            }
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") { break }
            return nil
        }
        guard let kind, let pubkey else { return nil }
        return EventPrescreen.Summary(kind: kind, pubkey: pubkey)
    }

    fileprivate mutating func integer() -> Int? {
        skipSpace()
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        // At most 9 digits, so the value fits in any Int and the arithmetic below cannot overflow.
        guard index > start, index - start <= 9 else { return nil }
        return bytes[start..<index].reduce(0) { $0 &* 10 &+ Int($1 &- UInt8(ascii: "0")) }
    }

    /// Skips one JSON value of any kind.
    fileprivate mutating func skipValue(depth: Int) -> Bool {
        guard depth < 64, let first = peek() else { return false }
        switch first {
        case UInt8(ascii: "\""):
            return stringRange() != nil
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let close = first == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            index += 1
            if take(close) { return true }
            while true {
                if first == UInt8(ascii: "{") {
                    guard stringRange() != nil, take(UInt8(ascii: ":")) else { return false }
                }
                guard skipValue(depth: depth + 1) else { return false }
                if take(UInt8(ascii: ",")) { continue }
                return take(close)
            }
        default:
            // Numbers, true, false, null.
            let start = index
            while index < bytes.count, !",]} \t\n\r".utf8.contains(bytes[index]) { index += 1 }
            return index > start
        }
    }
}
