import CSecp256k1

/// Bytes from the system CSPRNG: `getrandom(2)` on Linux, `SystemRandomNumberGenerator` elsewhere.
public enum SecureRandom {
    /// Fills `buffer` with random bytes.
    ///
    /// On Linux one `getrandom` call fills up to 256 bytes (the kernel returns them whole once its pool is ready, which
    /// it is long before a service starts), where `SystemRandomNumberGenerator` makes one call per 8 bytes: a
    /// signature's 32 bytes of auxiliary randomness were 4 system calls, a NIP-04 answer 6, a NIP-17 answer about 20.
    /// Anything the call does not fill (an interrupted call, a larger buffer) comes from the generator.
    public static func fill(_ buffer: inout [UInt8]) {
        var index = 0
        #if os(Linux)
            index = buffer.withUnsafeMutableBytes { bytes in
                guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
                return max(og_getrandom(base, min(bytes.count, 256)), 0)
            }
        #endif
        var generator = SystemRandomNumberGenerator()
        while index < buffer.count {
            var word = generator.next()
            for _ in 0..<8 where index < buffer.count {
                buffer[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
    }

    /// Returns `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        fill(&buffer)
        return buffer
    }
}
