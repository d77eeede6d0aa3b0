/// The median, 99th percentile and maximum of a set of timings (the value at index count/2, and at count·99/100 of
/// the sorted values), as every benchmark here reports them. Empty: all zero.
struct LatencySummary: Codable, Sendable {
    var p50 = 0.0
    var p99 = 0.0
    var max = 0.0

    init(_ values: [Double] = []) {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return }
        p50 = sorted[sorted.count / 2]
        p99 = sorted[Swift.min(sorted.count - 1, sorted.count * 99 / 100)]
        max = sorted[sorted.count - 1]
    }
}
