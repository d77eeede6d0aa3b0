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
}
