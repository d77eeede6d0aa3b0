import Bot
import CLISupport
import CSecp256k1Bench
import Dispatch
import Foundation
import Gate
import GiteaSimulator
import Logging
import LoopbackRelay
import NostrCore
import NostrIngress

/// `operator-gate-bench pipeline`: the bot's inbox throughput and its DM-to-answer latency.
///
/// - authorized: NIP-04 frames from an operator through frame parse → operator check → verify → decrypt →
///   limits → command language → policy, the Gate not called (each a distinct `show` command), staged as
///   `run` stages them (parse and prepare on one worker per core, admit in order; ``OrderedParallelMap``), and
///   again on one worker; five rounds, each beside its own C bound (below), ratios the median of the rounds';
/// - strangers: kind-4 frames from 100 non-operators through what a relay connection does (the prescreen drops
///   them undecoded; were it to let one through, the full decode and pipeline would run);
/// - the C bound: 1 / (direct C `secp256k1_schnorrsig_verify` + one cached-key NIP-04 decrypt, which is
///   BoringSSL's AES and base64 under a thin wrapper): what "one verify plus one cached decrypt" allows;
/// - latency: the bot (relay pool, pipeline, Gate, ledger, reply) against the in-process loopback relay and
///   Gitea simulator; an operator client sends DMs one at a time (`comment`, and `show` or `status`, in both
///   schemes) and times each answer;
/// - memory: resident set size after start (idle) and its peak after the load (this process holds the bot,
///   the relay, the simulator and the client).
struct PipelineBenchmark {
    let count: Int
    let strangerCount: Int
    let roundTrips: Int

    struct Report {
        var authorizedPerSecond = 0.0
        var authorizedOneWorker = 0.0
        var workers = 1
        var parseMicros = 0.0
        var prepareMicros = 0.0
        var admitMicros = 0.0
        var decodeMicros = 0.0
        var grammarMicros = 0.0
        var cBoundPerSecond = 0.0
        /// Per round: one worker / the C bound measured just before it, and one per core / that C bound.
        var oneWorkerRatios: [Double] = []
        var allWorkersRatios: [Double] = []
        /// The median of the rounds' ratios (each compares figures taken within a second of each other).
        var oneWorkerVsCBound: Double { LatencySummary(oneWorkerRatios).p50 }
        var allWorkersVsCBound: Double { LatencySummary(allWorkersRatios).p50 }
        var strangersPerSecond = 0.0
        var latencyP50 = 0.0
        var latencyP99 = 0.0
        var latencyMax = 0.0
        var rssIdleMB = 0.0
        var rssPeakMB = 0.0

        var table: String {
            func f(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
            return """
                measure                                                    value
                C bound: 1 / (C verify + cached NIP-04 decrypt), one core  \(f(cBoundPerSecond)) (best round)
                authorized NIP-04 DMs / s on one worker (Gate stubbed)     \(f(authorizedOneWorker)) (best round)
                one worker / one core's C bound (target ≥ 0.85)            \(f(oneWorkerVsCBound, 3)) (median of rounds: \(oneWorkerRatios.map { f($0, 2) }.joined(separator: " ")))
                  of which frame parse (µs per DM, one core)               \(f(parseMicros, 1))
                  prepare: checks, verify, decrypt (µs, the parallel stage)  \(f(prepareMicros, 1))
                    of which the decoder alone (verify + decrypt, µs)      \(f(decodeMicros, 1))
                  admit: seen, limits, grammar, policy (µs, in order)      \(f(admitMicros, 1))
                    of which the command language alone (µs)               \(f(grammarMicros, 1))
                authorized NIP-04 DMs / s on \(workers) workers, as `run` runs      \(f(authorizedPerSecond)) (best round)
                  \(workers) workers / one core's C bound                           \(f(allWorkersVsCBound, 3)) (median of rounds)
                  \(workers) workers / (C bound × \(workers) cores)                          \(f(allWorkersVsCBound / Double(workers), 3))
                strangers' kind-4 events dropped / s (target ≥ 200000)     \(f(strangersPerSecond))
                DM → answer latency p50 (ms)                               \(f(latencyP50, 2))
                DM → answer latency p99 (ms, target < 50)                  \(f(latencyP99, 2))
                DM → answer latency max (ms)                               \(f(latencyMax, 2))
                RSS idle (MB)                                              \(f(rssIdleMB, 1))
                RSS peak under load (MB)                                   \(f(rssPeakMB, 1))
                """
        }

        var json: JSONOutput {
            .object([
                ("authorized_per_s", .double(authorizedPerSecond)), ("c_bound_per_s", .double(cBoundPerSecond)),
                ("authorized_vs_c_bound", .double(allWorkersVsCBound)),
                ("workers", .int(Int64(workers))), ("authorized_one_worker_per_s", .double(authorizedOneWorker)),
                ("one_worker_vs_c_bound", .double(oneWorkerVsCBound)),
                ("one_worker_vs_c_bound_rounds", .array(oneWorkerRatios.map { .double($0) })),
                ("parse_us", .double(parseMicros)), ("prepare_us", .double(prepareMicros)), ("admit_us", .double(admitMicros)),
                ("decode_us", .double(decodeMicros)), ("grammar_us", .double(grammarMicros)),
                ("strangers_per_s", .double(strangersPerSecond)), ("latency_p50_ms", .double(latencyP50)),
                ("latency_p99_ms", .double(latencyP99)), ("latency_max_ms", .double(latencyMax)),
                ("rss_idle_mb", .double(rssIdleMB)), ("rss_peak_mb", .double(rssPeakMB))
            ])
        }
    }

    static func memory(_ field: String) -> Double { BenchProcess.memoryMB(field, of: "self") }

    /// Every phase, in order: throughput beside the C bound, the per-step breakdown, strangers, latency and memory.
    func run() async throws -> Report {
        var report = Report()
        let fixture = try Fixture(count: count)
        defer { try? FileManager.default.removeItem(at: fixture.scratch) }
        try await measureThroughput(fixture, into: &report)
        let pipeline = try fixture.makePipeline()
        try await measureSteps(fixture, pipeline, into: &report)
        try await measureStrangers(fixture, pipeline, into: &report)
        try await measureLatency(fixture, into: &report)
        return report
    }
}
