/// Lowercase hexadecimal encoding and strict decoding.
public enum Hex {
    /// Encodes bytes as lowercase hex.
    ///
    /// Inlinable (as ``decode(_:lowercaseOnly:)``): callers in other modules get it specialized for their type, so
    /// an array or a string is read in place instead of byte by byte through the generic `Sequence` path.
    @inlinable
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.withContiguousStorageIfAvailable(encode(buffer:)) ?? Array(bytes).withUnsafeBufferPointer(encode(buffer:))
    }

    @usableFromInline
    static func encode(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var index = 0
            for byte in bytes {
                out[index] = digit(byte >> 4)
                out[index + 1] = digit(byte & 0x0f)
                index += 2
            }
            return index
        }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// Decodes hex. Returns `nil` for odd length or a non-hex character.
    /// - Parameter lowercaseOnly: when `true`, uppercase digits are refused (Nostr ids, keys and signatures
    ///   must be lowercase on the wire).
    @inlinable
    public static func decode(_ text: some StringProtocol, lowercaseOnly: Bool = false) -> [UInt8]? {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(utf8: $0, lowercaseOnly) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode(utf8: $0, lowercaseOnly) }
    }

    @usableFromInline
    static func decode(utf8: UnsafeBufferPointer<UInt8>, _ lowercaseOnly: Bool) -> [UInt8]? {
        guard utf8.count % 2 == 0 else { return nil }
        let count = utf8.count / 2
        // Every pair is decoded and a bad digit only marks the result (no branch out of the loop): ids, keys and
        // signatures are nearly always valid, and a loop without exits is one the compiler can unroll.
        var invalid: UInt8 = 0
        let out = [UInt8](unsafeUninitializedCapacity: count) { out, written in
            for index in 0..<count {
                let high = value(utf8[2 &* index], lowercaseOnly)
                let low = value(utf8[2 &* index &+ 1], lowercaseOnly)
                invalid |= high | low
                out[index] = high << 4 | low
            }
            written = count
        }
        return invalid & 0x80 == 0 ? out : nil
    }

    /// Decodes exactly `count` bytes of lowercase hex.
    @inlinable
    public static func decodeLowercase(_ text: some StringProtocol, count: Int) -> [UInt8]? {
        guard text.utf8.count == count * 2 else { return nil }
        return decode(text, lowercaseOnly: true)
    }

    /// A hex digit's value; 0xFF for any other byte (and for `A` to `F` when `lowercaseOnly`).
    @inline(__always)
    private static func value(_ c: UInt8, _ lowercaseOnly: Bool) -> UInt8 {
        let digit = c &- UInt8(ascii: "0")
        if digit < 10 { return digit }
        let lower = c &- UInt8(ascii: "a")
        if lower < 6 { return lower &+ 10 }
        let upper = c &- UInt8(ascii: "A")
        if !lowercaseOnly, upper < 6 { return upper &+ 10 }
        return 0xFF
    }
}
