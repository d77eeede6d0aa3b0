import CLISupport
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where a command's time went inside `operator-gate run`, from its own timers (`/metrics`: the stages of
/// `operator_gate_stage_seconds` and the Gitea requests of `operator_gate_gitea_request_duration_seconds`): the mean
/// milliseconds per occurrence of each, between two scrapes, and the histogram bucket its 99th percentile fell in.
struct StageBreakdown: Codable, Sendable {
    /// Mean milliseconds per occurrence, by stage (`gitea POST 201` for a Gitea request by method and status).
    var meanMs: [String: Double] = [:]
    /// Occurrences of each, over the phase.
    var counts: [String: Int] = [:]
    /// The upper bound (ms) of the histogram bucket holding each one's 99th percentile: the p99 is at most this (and
    /// above the bucket below). Absent when it lies beyond the last bound (10 s).
    var p99AtMostMs: [String: Double] = [:]

    /// The bot's own time per command: every stage but the Gitea requests and the publish (a relay round trip).
    var ownMs: Double {
        let own = ["intake", "prepare", "admit", "queue", "reply_build", "reply_store"].reduce(0) { $0 + (meanMs[$1] ?? 0) }
        let giteaPerCommand = meanMs.filter { $0.key.hasPrefix("gitea ") }.reduce(0.0) { total, entry in
            total + entry.value * Double(counts[entry.key] ?? 0) / Double(max(1, counts["gate"] ?? 0))
        }
        return own + max(0, (meanMs["gate"] ?? 0) - giteaPerCommand)
    }

    /// The stages in the order a command passes them.
    static let order = [
        "intake", "prepare", "admit", "queue", "gate", "ledger_claim", "gitea", "ledger_complete", "reply_build", "reply_store", "publish"
    ]

    /// A timer's histogram as `/metrics` says now: sum in seconds, count, and cumulative counts by upper bound (s).
    struct Series: Sendable {
        var sum = 0.0
        var count = 0.0
        var buckets: [Double: Double] = [:]
    }

    /// Each stage's series, as the bot's `/metrics` says now.
    typealias Totals = [String: Series]

    static func scrape(port: Int) async throws -> Totals { parse(try await metricsText(port: port)) }

    /// How many times the bot fell behind a relay and asked it again for what it stored meanwhile, over all relays
    /// (`operator_gate_relay_catch_ups`).
    static func scrapeCatchUps(port: Int) async throws -> Int {
        try await scrapeSum(port: port, series: "operator_gate_relay_catch_ups{")
    }

    /// The sum of the bot's series that start with `series` (a name and the start of its labels).
    static func scrapeSum(port: Int, series prefix: String) async throws -> Int {
        try await scrapeSums(port: port, series: [prefix])[0]
    }

    /// For each prefix in `series`, the sum of the bot's series that start with it, from one read of `/metrics`.
    static func scrapeSums(port: Int, series prefixes: [String]) async throws -> [Int] {
        let samples = samples(try await metricsText(port: port))
        return prefixes.map { prefix in samples.filter { $0.series.hasPrefix(prefix) }.reduce(0) { $0 + Int($1.value) } }
    }

    /// The bot's `/metrics` page on `port`.
    private static func metricsText(port: Int) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        return String(decoding: data, as: UTF8.self)
    }

    /// Prometheus' text format as (series with its labels, value) pairs; comments and lines without a number skipped.
    private static func samples(_ text: String) -> [(series: Substring, value: Double)] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                return nil
            }
            return (line[..<space], value)
        }
    }

    /// Reads the `_sum`, `_count` and `_bucket` lines of the two timers from Prometheus' text format.
    static func parse(_ text: String) -> Totals {
        var totals: Totals = [:]
        for (series, value) in samples(text) {
            for timer in ["operator_gate_stage_seconds", "operator_gate_gitea_request_duration_seconds"] {
                for field in ["_sum{", "_count{", "_bucket{"] where series.hasPrefix(timer + field) {
                    let labels = labelValues(series.dropFirst(timer.count + field.count).dropLast())
                    let name =
                        timer.hasSuffix("stage_seconds") ? labels["stage"] ?? "?" : "gitea \(labels["method"] ?? "?") \(labels["status"] ?? "?")"
                    var entry = totals[name] ?? Series()
                    switch field {
                    case "_sum{": entry.sum = value
                    case "_count{": entry.count = value
                    default: if let bound = labels["le"].flatMap(Double.init), bound.isFinite { entry.buckets[bound] = value }
                    }
                    totals[name] = entry
                }
            }
        }
        return totals
    }

    private static func labelValues(_ text: Substring) -> [String: String] {
        var values: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1].filter { $0 != "\"" }) }
        }
        return values
    }

    init() {}

    /// What happened between `before` and `after`.
    init(from before: Totals, to after: Totals) {
        for (name, end) in after {
            let start = before[name] ?? Series()
            let count = end.count - start.count
            guard count > 0 else { continue }
            meanMs[name] = (end.sum - start.sum) / count * 1000
            counts[name] = Int(count)
            let p99 = end.buckets.keys.sorted().first { bound in
                (end.buckets[bound] ?? 0) - (start.buckets[bound] ?? 0) >= 0.99 * count
            }
            if let p99 { p99AtMostMs[name] = p99 * 1000 }
        }
    }

    /// Table rows: stage, then the mean of each breakdown and the bound of its p99 (`-` where a stage did not occur).
    static func rows(_ breakdowns: [StageBreakdown]) -> [(String, [String])] {
        let gitea = Set(breakdowns.flatMap { $0.meanMs.keys.filter { $0.hasPrefix("gitea ") } }).sorted()
        let names = order.flatMap { $0 == "gitea" ? gitea : [$0] }
        return names.map { name in
            let cells = breakdowns.map { breakdown in
                guard let mean = breakdown.meanMs[name] else { return "-" }
                return String(format: "%.3f", mean) + (breakdown.p99AtMostMs[name].map { String(format: " ≤%g", $0) } ?? " >10000")
            }
            return (name, cells)
        } + [("bot's own time (all but Gitea and publish)", breakdowns.map { String(format: "%.3f", $0.ownMs) })]
    }
}
