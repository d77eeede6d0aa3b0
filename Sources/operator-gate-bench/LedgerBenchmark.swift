import CLISupport
import Crypto
import Encoding
import Foundation
import Gate
import NostrCore

/// Claim+complete and lookup rates of the SQLite ledger at several sizes, each in a fresh file.
///
/// Each size is measured `repeats` times, each time in a fresh file, and each figure is the median of those runs:
/// a timed window is well under a second, and on a shared 2-core VM one window's figure at 1k entries ranged over
/// 28,600–37,400 claim+complete/s for one binary, which made the 1M/1k cost ratio swing from 1.3 to 1.7.
struct LedgerBenchmark {
    let sizes: [Int]
    let operations: Int
    /// Commands in flight at once (each claims then completes, one after the other); concurrent ones share commits.
    let concurrency: Int
    /// Fresh ledgers measured at each size (`--repeats`, which owns the default).
    let repeats: Int

    struct Row {
        let size: Int
        let claimCompletePerSecond: Double
        let sequentialPerSecond: Double
        let lookupsPerSecond: Double
        let fillSeconds: Double
        /// Each run's claim+complete rate, in the order measured (one entry for a single run).
        var claimCompleteRuns: [Double] = []

        /// The median of each figure over `runs` (of one size).
        static func median(of runs: [Row]) -> Row {
            func median(_ values: [Double]) -> Double {
                let sorted = values.sorted()
                let middle = sorted.count / 2
                return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
            }
            return Row(
                size: runs[0].size, claimCompletePerSecond: median(runs.map(\.claimCompletePerSecond)),
                sequentialPerSecond: median(runs.map(\.sequentialPerSecond)), lookupsPerSecond: median(runs.map(\.lookupsPerSecond)),
                fillSeconds: median(runs.map(\.fillSeconds)), claimCompleteRuns: runs.map(\.claimCompletePerSecond))
        }
    }

    func run() async throws -> [Row] {
        var rows: [Row] = []
        for size in sizes {
            var runs: [Row] = []
            for _ in 0..<max(1, repeats) { runs.append(try await runOnce(size: size)) }
            rows.append(Row.median(of: runs))
        }
        return rows
    }

    /// One run at `size`, in a fresh file.
    private func runOnce(size: Int) async throws -> Row {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("og-bench-ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = try SQLiteLedger(path: directory.appendingPathComponent("ledger.sqlite").path)
        let repository = try Repository("bench/repo")
        var keys: [String] = []
        keys.reserveCapacity(min(size, 100_000))
        var origins: [String] = []
        origins.reserveCapacity(min(size, 100_000))
        let fillStart = DispatchTime.now().uptimeNanoseconds
        var batch: [(key: String, origin: String?, action: GateAction, repository: String, at: Int64)] = []
        for index in 0..<size {
            let key = Hex.encode(SecureRandom.bytes(32))
            let origin = Hex.encode(SecureRandom.bytes(32))
            if keys.count < 100_000 {
                keys.append(key)
                origins.append(origin)
            }
            batch.append((key, origin, .closeIssue, "bench/repo", 1_000_000 + Int64(index)))
            if batch.count == 50_000 {
                try ledger.insertDone(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try ledger.insertDone(batch) }
        // The fill's pages are still in the write-ahead log: copy them out now, or the first timed commits pay
        // for checkpointing the whole fill.
        try ledger.checkpoint()
        let fillSeconds = Double(DispatchTime.now().uptimeNanoseconds - fillStart) / 1e9

        let now = Int64(Date().timeIntervalSince1970)
        // The ledger's checkpointer runs beside the timed work, as it does in the bot.
        return try await withThrowingTaskGroup(of: Void.self) { maintenance in
            maintenance.addTask { await ledger.maintain(interval: .milliseconds(200)) }
            defer { maintenance.cancelAll() }
            return try await Self.measure(
                ledger, repository, keys: keys, origins: origins, size: size, now: now, operations: operations,
                concurrency: concurrency, fillSeconds: fillSeconds)
        }
    }

    /// The timed part at one size: one at a time, `concurrency` in flight, then lookups.
    /// - Parameters:
    ///   - keys: Gate keys of filled entries, looked up after the timed claims.
    ///   - origins: the event ids of the same entries, looked up beside them.
    static func measure(
        _ ledger: SQLiteLedger, _ repository: Repository, keys: [String], origins: [String], size: Int, now: Int64,
        operations: Int, concurrency: Int, fillSeconds: Double
    ) async throws -> Row {
        let sequentialCount = max(1, operations / 5)
        let sequentialSeconds = try await Self.claimAndCompleteConcurrently(
            [ledger], repository, workers: 1, total: sequentialCount, prefix: "seq", now: now)

        let claimSeconds = try await Self.claimAndCompleteConcurrently(
            [ledger], repository, workers: concurrency, total: operations,
            prefix: "op", now: now)

        let lookupStart = DispatchTime.now().uptimeNanoseconds
        var found = 0
        for index in 0..<operations {
            if try ledger.latest(key: IdempotencyKey(hex: keys[index % keys.count])) != nil { found += 1 }
            if try ledger.entry(originEventID: origins[index % origins.count]) != nil { found += 1 }
        }
        let lookupSeconds = Double(DispatchTime.now().uptimeNanoseconds - lookupStart) / 1e9
        guard found == 2 * operations || size == 0 else { throw CLIError("bench: lookups missed entries") }
        return Row(
            size: size, claimCompletePerSecond: Double(operations) / claimSeconds,
            sequentialPerSecond: Double(sequentialCount) / sequentialSeconds,
            lookupsPerSecond: Double(2 * operations) / lookupSeconds, fillSeconds: fillSeconds)
    }

    /// `total` distinct commands claimed and completed by `workers` tasks at once, spread over `ledgers` (one per
    /// instance); returns the seconds it took. One worker claims them one at a time.
    static func claimAndCompleteConcurrently(
        _ ledgers: [any Ledger], _ repository: Repository, workers: Int, total: Int, prefix: String,
        now: Int64
    ) async throws -> Double {
        let origins = eventIDs(prefix, count: total)
        let start = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                let ledger = ledgers[worker % ledgers.count]
                group.addTask {
                    var index = worker
                    while index < total {
                        try await Self.claimAndComplete(ledger, repository, index: index, prefix: prefix, origin: origins[index], now: now)
                        index += workers
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The event ids of `count` DMs, made before the timing starts: 64 hex digits of a hash, as the bot's commands
    /// carry them. Like the Gate keys they are random, so each claim inserts into the origin index at a random place,
    /// as in the bot (ids like "op-17" had put every timed claim into one corner of that index).
    static func eventIDs(_ prefix: String, count: Int) -> [String] {
        (0..<count).map { Hex.encode(Array(SHA256.hash(data: Array("\(prefix)-\($0)".utf8)))) }
    }

    /// Claims and completes a fresh command (issue `index + 1`, comment `prefix`: its Gate key) from the DM `origin`.
    private static func claimAndComplete(
        _ ledger: any Ledger, _ repository: Repository, index: Int, prefix: String, origin: String, now: Int64
    ) async throws {
        let command = Command(
            source: "nostr:bench", repository: repository, payload: .closeIssue(issue: index + 1, comment: prefix),
            origin: .init(eventID: origin, createdAt: now), receivedAt: now)
        guard case .claimed(let entry) = try await ledger.claim(key: IdempotencyKey(command), command: command, now: now, window: 86_400) else {
            throw CLIError("bench: a fresh command was not claimed")
        }
        try await ledger.complete(id: entry.id, result: "{}", at: now)
    }
}
