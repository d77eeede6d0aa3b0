import ArgumentParser
import Bot
import CLISupport
import Dispatch
import Encoding
import Foundation
import Logging

/// `operator-gate-bench log`: what one JSON log line costs (the handler `run --log-format json` uses, writing to a
/// discarding output), and its timestamp alone, beside the `ISO8601DateFormatter()` per line it replaced.
struct LogBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "µs per JSON log line, and per timestamp: RFC3339.utc beside a new ISO8601DateFormatter per line.")
    @Option(help: "Lines (and timestamps) per measurement.") var lines = 20000

    func validate() throws {
        guard (1...10_000_000).contains(lines) else { throw ValidationError("--lines must be 1...10000000") }
    }

    func run() throws {
        let handler = JSONLogHandler(label: "bench") { _ in }
        let logger = Logger(label: "bench") { _ in handler }
        let line = Self.microseconds(lines) {
            logger.info("command answered", metadata: ["operator": "alice", "action": "add_comment", "repo": "ops/tc", "success": "true"])
        }
        let now = Int64(Date().timeIntervalSince1970)
        let arithmetic = Self.microseconds(lines) { _ = RFC3339.utc(now) }
        let formatter = Self.microseconds(lines) { _ = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(now))) }
        StandardIO.printLine(
            [
                "operation                                          µs",
                String(format: "JSON log line (5 fields, 4 metadata)        %8.2f", line),
                String(format: "timestamp: RFC3339.utc                      %8.2f", arithmetic),
                String(format: "timestamp: ISO8601DateFormatter() per line  %8.2f", formatter)
            ].joined(separator: "\n"))
    }

    /// The fastest of five batches of `count` calls, in µs per call.
    static func microseconds(_ count: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count { body() }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1000 / Double(count))
        }
        return best
    }
}
