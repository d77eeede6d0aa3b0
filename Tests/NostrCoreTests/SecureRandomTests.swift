import NostrCore
import Testing

/// `SecureRandom` fills the whole buffer, however large, with bytes that look uniform: one `getrandom` call fills up
/// to 256 bytes, the generator the rest.
@Suite struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 255, 256, 257, 1000])
    func everyByteOfTheBufferIsFilled(_ count: Int) {
        // A byte left as it was (zero) shows up as a position that is zero in every one of 8 buffers: for a filled
        // byte the chance is 2^-64.
        let buffers = (0..<8).map { _ in SecureRandom.bytes(count) }
        #expect(buffers.allSatisfy { $0.count == count })
        for index in 0..<count {
            #expect(buffers.contains { $0[index] != 0 }, "byte \(index) of \(count) is never filled")
        }
    }

    @Test func byteValuesAreSpreadEvenly() {
        // 256 KiB in buffers of 300 bytes (both paths): each value is expected 1,024 times; the chi-square statistic
        // of a uniform source (255 degrees of freedom) is below 400 with probability far above 0.99999.
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        while total < 262_144 {
            for byte in SecureRandom.bytes(300) { counts[Int(byte)] += 1 }
            total += 300
        }
        let expected = Double(total) / 256
        let chiSquare = counts.reduce(0.0) { sum, count in sum + (Double(count) - expected) * (Double(count) - expected) / expected }
        #expect(chiSquare < 400, "chi-square \(chiSquare)")
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }
}
