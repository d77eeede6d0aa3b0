import TestSupport
import Testing

@testable import NostrCore

/// The word-at-a-time search for the end of a plain JSON string, against a byte-by-byte one.
@Suite struct JSONByteCursorTests {
    static func naive(_ bytes: [UInt8], from start: Int) -> Int {
        bytes[start...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 } ?? bytes.count
    }

    static func search(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { JSONByteCursor(bytes: $0).firstQuoteEscapeOrControl(from: start) }
    }

    @Test func everyByteValueAtEveryPlaceOfTwoWords() {
        // Filler bytes that are never a match, including ones whose borrows could mislead a word trick (0x20, 0x21,
        // 0x5d, 0x80, 0xff).
        let filler: [UInt8] = [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x61, 0x7f, 0x80, 0xa0, 0xff]
        for value in UInt8.min...UInt8.max {
            for place in 0..<19 {
                var bytes = (0..<19).map { filler[($0 &* 7 &+ Int(value)) % filler.count] }
                bytes[place] = value
                for start in [0, 1, 5, 8] where start <= bytes.count {
                    #expect(Self.search(bytes, from: start) == Self.naive(bytes, from: start), "byte \(value) at \(place), from \(start)")
                }
            }
        }
    }

    @Test func randomBuffersWithSeveralMatches() {
        var generator = SeededGenerator(state: 0x1f2e)
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 40)
            // Mostly printable bytes, sometimes one of the three kinds of match.
            let bytes = (0..<count).map { _ -> UInt8 in
                switch generator.next() % 16 {
                case 0: return UInt8(ascii: "\"")
                case 1: return UInt8(ascii: "\\")
                case 2: return UInt8(truncatingIfNeeded: generator.next() % 0x20)
                default: return UInt8(truncatingIfNeeded: generator.next())
                }
            }
            let start = count == 0 ? 0 : Int(generator.next() % UInt64(count + 1))
            #expect(Self.search(bytes, from: start) == Self.naive(bytes, from: start), "\(bytes) from \(start)")
        }
    }

    @Test func plainStringRangeStopsAtTheQuoteAndRefusesEscapesAndControls() {
        func range(_ text: String) -> Range<Int>? {
            JSONByteCursor.scan(text) { cursor in cursor.plainStringRange() }
        }
        #expect(range(#""abcdefghijklmnop","#) == 1..<17)
        #expect(range(#"  """#) == 3..<3)
        #expect(range(#""abcdefghij\nklm""#) == nil)
        #expect(range("\"abcdefghij\u{01}klm\"") == nil)
        #expect(range(#""abcdefghijklmnop"#) == nil)  // no closing quote
        #expect(range("\"héllo wörld, ünïcode\"")?.count == "héllo wörld, ünïcode".utf8.count)
    }
}
