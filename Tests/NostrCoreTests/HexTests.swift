import Encoding
import Testing

/// Hex on the wire: ids, keys and signatures. Checked against a plain per-byte formatter, so that the fast paths
/// (contiguous buffers, the generic `Sequence` path) cannot drift from it.
@Suite struct HexTests {
    static func reference(_ bytes: [UInt8]) -> String {
        bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    @Test func encodesEveryByteValueAsTheReferenceDoes() {
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.encode(all) == Self.reference(all))
        #expect(Hex.encode(all.lazy.map { $0 }) == Self.reference(all))  // a non-contiguous sequence
        #expect(Hex.encode(all[3..<40]) == Self.reference(Array(all[3..<40])))
        #expect(Hex.encode([UInt8]()) == "")
    }

    @Test func decodingRoundTripsAndIsStrict() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 31, 32, 64, 65] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Hex.encode(bytes)
            #expect(Hex.decode(text) == bytes)
            #expect(Hex.decode(text[...]) == bytes)
            #expect(Hex.decodeLowercase(text, count: length) == bytes)
            #expect(Hex.decode(text.uppercased()) == bytes)
            if text.contains(where: \.isLetter) { #expect(Hex.decode(text.uppercased(), lowercaseOnly: true) == nil) }
            #expect(Hex.decodeLowercase(text, count: length + 1) == nil)
        }
        #expect(Hex.decode("aBcD", lowercaseOnly: true) == nil)
        #expect(Hex.decode("aBcD") == [0xab, 0xcd])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("g0") == nil)
        #expect(Hex.decode("00 1") == nil)
        #expect(Hex.decode("é") == nil)
    }

    /// Every byte value, as the first and as the second digit of a pair, in both modes: accepted exactly when it is
    /// a hex digit (lowercase only when asked), with its value.
    @Test func everyByteValueInEitherPlaceOfAPair() {
        func expected(_ byte: UInt8, lowercaseOnly: Bool) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return lowercaseOnly ? nil : byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        for byte in UInt8.min...UInt8.max {
            for lowercaseOnly in [false, true] {
                let value = expected(byte, lowercaseOnly: lowercaseOnly)
                let digitFirst = [UInt8(ascii: "7"), byte, UInt8(ascii: "c"), UInt8(ascii: "0")]
                let digitSecond = [byte, UInt8(ascii: "7"), UInt8(ascii: "0"), UInt8(ascii: "c")]
                let first = String(decoding: digitFirst, as: UTF8.self)
                let second = String(decoding: digitSecond, as: UTF8.self)
                guard first.utf8.count == 4 else { continue }  // a byte that is not UTF-8 on its own
                #expect(Hex.decode(first, lowercaseOnly: lowercaseOnly) == value.map { [0x70 | $0, 0xc0] }, "byte \(byte) second")
                #expect(Hex.decode(second, lowercaseOnly: lowercaseOnly) == value.map { [$0 << 4 | 7, 0x0c] }, "byte \(byte) first")
            }
        }
    }
}
