/// A position in JSON text's UTF-8 bytes, with the few moves the frame scanners need (``EventPrescreen``,
/// ``EventFrameScanner``). It never validates more than each move says; the scanners give up (return `nil`) on
/// anything they do not expect, and the full decoder decides.
struct JSONByteCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Runs `body` over `text`'s UTF-8 bytes.
    static func scan<T>(_ text: String, _ body: (inout JSONByteCursor) -> T) -> T {
        var text = text
        return text.withUTF8 { bytes in
            var cursor = JSONByteCursor(bytes: bytes)
            return body(&cursor)
        }
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    mutating func peek() -> UInt8? {
        skipSpace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Consumes `byte` (after whitespace) if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    func equals(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        return zip(bytes[range], expected).allSatisfy { $0 == $1 }
    }

    func contains(_ range: Range<Int>, _ byte: UInt8) -> Bool { bytes[range].contains(byte) }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A string's content range with escapes left in place; the index ends after the closing quote.
    mutating func stringRange() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""):
                defer { index += 1 }
                return start..<index
            default: index += 1
            }
        }
        return nil
    }

    /// A string without escapes or control characters: its content range. `nil` for anything else.
    mutating func plainStringRange() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        let stop = firstQuoteEscapeOrControl(from: start)
        guard stop < bytes.count, bytes[stop] == UInt8(ascii: "\"") else { return nil }
        index = stop + 1
        return start..<stop
    }

    /// The first index at or after `start` holding `"`, `\` or a byte below 0x20; `bytes.count` when there is none.
    ///
    /// Eight bytes at a time (ids, keys, signatures and contents are most of a frame, and none of their bytes is
    /// one of these): in a word, `(x - 0x0101…) & ~x & 0x8080…` marks a byte of `x` that is zero, and with `0x2020…`
    /// subtracted a byte below 0x20. A borrow can only mark bytes above a true match, never below it, so the
    /// lowest mark (the first byte, the words being read little-endian) is a true one.
    func firstQuoteEscapeOrControl(from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let quote = word ^ (ones &* UInt64(ascii: "\""))
                let backslash = word ^ (ones &* UInt64(ascii: "\\"))
                let marks =
                    ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & highs
                if marks != 0 { return index + marks.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return bytes.count
    }
}

extension UInt64 {
    fileprivate init(ascii scalar: Unicode.Scalar) { self.init(scalar.value) }
}
