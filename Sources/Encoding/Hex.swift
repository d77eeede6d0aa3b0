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
        var valid = true
        let out = [UInt8](unsafeUninitializedCapacity: utf8.count / 2) { out, written in
            var index = 0
            while index < utf8.count {
                guard let high = nibble(utf8[index], lowercaseOnly), let low = nibble(utf8[index + 1], lowercaseOnly) else {
                    valid = false
                    break
                }
                out[index / 2] = high << 4 | low
                index += 2
            }
            written = index / 2
        }
        return valid ? out : nil
    }

    /// Decodes exactly `count` bytes of lowercase hex.
    @inlinable
    public static func decodeLowercase(_ text: some StringProtocol, count: Int) -> [UInt8]? {
        guard text.utf8.count == count * 2 else { return nil }
        return decode(text, lowercaseOnly: true)
    }

    @inline(__always)
    private static func nibble(_ c: UInt8, _ lowercaseOnly: Bool) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where !lowercaseOnly: return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
