import CLISupport
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where a command's time went inside `operator-gate run`, from its own timers (`/metrics`: the stages of
/// `operator_gate_stage_seconds` and the Gitea requests of `operator_gate_gitea_request_duration_seconds`): the mean
/// milliseconds per occurrence of each, between two scrapes.
struct StageBreakdown: Codable, Sendable {
    /// Mean milliseconds per occurrence, by stage (`gitea POST 201` for a Gitea request by method and status).
    var meanMs: [String: Double] = [:]
    /// Occurrences of each, over the phase.
    var counts: [String: Int] = [:]

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

    /// (sum in seconds, count) by stage, as the bot's `/metrics` says now.
    typealias Totals = [String: (sum: Double, count: Double)]

    static func scrape(port: Int) async throws -> Totals {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// Reads the `_sum` and `_count` lines of the two timers from Prometheus' text format.
    static func parse(_ text: String) -> Totals {
        var totals: Totals = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            for (prefix, field) in [
                ("operator_gate_stage_seconds_sum{", "sum"), ("operator_gate_stage_seconds_count{", "count"),
                ("operator_gate_gitea_request_duration_seconds_sum{", "sum"), ("operator_gate_gitea_request_duration_seconds_count{", "count")
            ]
            where series.hasPrefix(prefix) {
                let labels = labelValues(series.dropFirst(prefix.count).dropLast())
                let name =
                    prefix.hasPrefix("operator_gate_stage") ? labels["stage"] ?? "?" : "gitea \(labels["method"] ?? "?") \(labels["status"] ?? "?")"
                var entry = totals[name] ?? (0, 0)
                if field == "sum" { entry.sum = value } else { entry.count = value }
                totals[name] = entry
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
            let start = before[name] ?? (0, 0)
            let count = end.count - start.count
            guard count > 0 else { continue }
            meanMs[name] = (end.sum - start.sum) / count * 1000
            counts[name] = Int(count)
        }
    }

    /// Table rows: stage, then the mean of each breakdown (`-` where a stage did not occur).
    static func rows(_ breakdowns: [StageBreakdown]) -> [(String, [String])] {
        let gitea = Set(breakdowns.flatMap { $0.meanMs.keys.filter { $0.hasPrefix("gitea ") } }).sorted()
        let names = order.flatMap { $0 == "gitea" ? gitea : [$0] }
        return names.map { name in (name, breakdowns.map { $0.meanMs[name].map { String(format: "%.3f", $0) } ?? "-" }) }
            + [("bot's own time (all but Gitea and publish)", breakdowns.map { String(format: "%.3f", $0.ownMs) })]
    }
}
