import ArgumentParser
import CLISupport
import Foundation
import Logging

/// `operator-gate-bench …`: benchmarks that print figures (build with `-c release`). A separate executable, so the
/// production binary does not link the direct libsecp256k1 baseline (`CSecp256k1Bench`) or the benchmarks.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator-gate-bench", abstract: "Measure operator-gate's performance (use a release build).",
        subcommands: [Crypto.self, Ledger.self, Pipeline.self, LogBenchmark.self, GiteaBenchmark.self, EndToEndBenchmark.self])

    struct Crypto: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "µs per operation for parse, verify, sign, NIP-04/NIP-44 decrypt and unwrap, beside direct libsecp256k1 calls.")
        @Flag(help: "Print one JSON object (operation → µs, and the ratios) instead of a table.") var json = false
        @Option(help: "Iterations per batch for curve operations.") var iterations = 2000
        @Option(help: "Batches per operation; the fastest batch is reported.") var batches = 7

        func validate() throws {
            guard iterations > 0, iterations <= 1_000_000 else { throw ValidationError("--iterations must be 1...1000000") }
            guard batches > 0, batches <= 100 else { throw ValidationError("--batches must be 1...100") }
        }

        func run() throws {
            let report = CryptoBenchmark(iterations: iterations, batches: batches).run()
            StandardIO.printLine(json ? report.json.text : report.table)
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Claim+complete and lookup rates of the SQLite ledger at 1k, 100k and 1M entries, or of the PostgreSQL ledger with one and three instances."
        )
        @Flag(help: "Print one JSON object instead of a table.") var json = false
        @Option(help: "sqlite, or postgres (needs --url).") var backend = "sqlite"
        @Option(
            help:
                "postgres://user@host:port/database of a server where the benchmark may create a database; the password from OPERATOR_GATE_LEDGER_PASSWORD."
        )
        var url: String?
        @Option(help: "Ledger sizes, comma-separated.") var sizes = "1000,100000,1000000"
        @Option(help: "Claim+complete operations (and lookup pairs) timed at each size.") var operations = 20000
        @Option(help: "Commands in flight at once (concurrent commands share commits).") var concurrency = 256
        @Option(help: "SQLite: fresh ledgers measured at each size; each figure is their median.") var repeats = 3

        func run() async throws {
            try await runAsyncTool {
                if backend == "postgres" {
                    guard let url else { throw CLIError("--backend postgres needs --url postgres://user@host:port/database") }
                    var quiet = Logger(label: "bench")
                    quiet.logLevel = .error
                    let (rows, oneAtATime) = try await PostgresLedgerBenchmark(
                        url: url, password: ProcessInfo.processInfo.environment["OPERATOR_GATE_LEDGER_PASSWORD"],
                        operations: operations, concurrency: min(concurrency, 64)
                    ).run(logger: quiet)
                    if json {
                        StandardIO.printLine(
                            JSONOutput.object(
                                rows.map { ("instances_\($0.instances)_claim_complete_per_s", .double($0.claimCompletePerSecond)) }
                                    + [("one_at_a_time_per_s", .double(oneAtATime))]
                            ).text)
                    } else {
                        var lines = [
                            "PostgreSQL ledger, \(operations) claim+complete, \(min(concurrency, 64)) in flight in total",
                            "instances   claim+complete/s"
                        ]
                        for row in rows { lines.append(String(format: "%9d   %16.0f", row.instances, row.claimCompletePerSecond)) }
                        lines.append(String(format: "one at a time (1 instance): %.0f/s", oneAtATime))
                        StandardIO.printLine(lines.joined(separator: "\n"))
                    }
                    return
                }
                guard backend == "sqlite" else { throw CLIError("--backend must be sqlite or postgres") }
                let parsed = sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !parsed.isEmpty, parsed.allSatisfy({ $0 >= 1 && $0 <= 10_000_000 }), operations > 0, (1...1024).contains(concurrency),
                    (1...20).contains(repeats)
                else {
                    throw CLIError("--sizes must be numbers from 1 to 10000000, --operations positive, --concurrency 1...1024, --repeats 1...20")
                }
                let rows = try await LedgerBenchmark(sizes: parsed, operations: operations, concurrency: concurrency, repeats: repeats).run()
                let baseline = rows[0].claimCompletePerSecond
                if json {
                    StandardIO.printLine(
                        JSONOutput.object(
                            rows.map { row in
                                (
                                    "\(row.size)",
                                    JSONOutput.object([
                                        ("claim_complete_per_s", .double(row.claimCompletePerSecond)),
                                        ("claim_complete_per_s_runs", .array(row.claimCompleteRuns.map(JSONOutput.double))),
                                        ("claim_complete_per_s_one_at_a_time", .double(row.sequentialPerSecond)),
                                        ("lookups_per_s", .double(row.lookupsPerSecond)),
                                        ("cost_vs_smallest", .double(baseline / row.claimCompletePerSecond)),
                                        ("fill_s", .double(row.fillSeconds))
                                    ])
                                )
                            }
                        ).text)
                } else {
                    var lines = [
                        "medians of \(repeats) runs, each in a fresh ledger",
                        "entries   claim+complete/s (\(concurrency) in flight)   one at a time/s   lookups/s   cost vs \(rows[0].size)   (fill s)   "
                            + "claim+complete/s of each run"
                    ]
                    for row in rows {
                        lines.append(
                            String(
                                format: "%9d   %30.0f   %15.0f   %9.0f   %10.2fx   (%.1f)   ", row.size, row.claimCompletePerSecond,
                                row.sequentialPerSecond, row.lookupsPerSecond, baseline / row.claimCompletePerSecond, row.fillSeconds)
                                + row.claimCompleteRuns.map { String(format: "%.0f", $0) }.joined(separator: " "))
                    }
                    StandardIO.printLine(lines.joined(separator: "\n"))
                }
            }
        }
    }

    struct Pipeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Authorized DMs and strangers' events per second through the inbox, DM-to-answer latency over a loopback relay, memory.")
        @Flag(help: "Print one JSON object instead of a table.") var json = false
        @Option(help: "Authorized DMs to push through the inbox.") var count = 5000
        @Option(help: "Strangers' events to push through the inbox.") var strangers = 200_000
        @Option(help: "DM → answer round trips for the latency figures.") var roundTrips = 400

        func run() async throws {
            try await runAsyncTool {
                guard (1...1_000_000).contains(count), (1...10_000_000).contains(strangers), (2...100_000).contains(roundTrips) else {
                    throw CLIError("--count 1...1000000, --strangers 1...10000000, --round-trips 2...100000")
                }
                let report = try await PipelineBenchmark(count: count, strangerCount: strangers, roundTrips: roundTrips).run()
                StandardIO.printLine(json ? report.json.text : report.table)
            }
        }
    }
}
