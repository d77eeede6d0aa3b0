import Foundation
import Gate
import NostrCore

/// Claim+complete and lookup rates of the SQLite ledger at several sizes, each in a fresh file.
struct LedgerBenchmark {
    let sizes: [Int]
    let operations: Int

    struct Row {
        let size: Int
        let claimCompletePerSecond: Double
        let lookupsPerSecond: Double
        let fillSeconds: Double
    }

    func run() throws -> [Row] {
        var rows: [Row] = []
        for size in sizes {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("og-bench-ledger-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let ledger = try SQLiteLedger(path: directory.appendingPathComponent("ledger.sqlite").path)
            let repository = try Repository("bench/repo")
            var keys: [String] = []
            keys.reserveCapacity(min(size, 100_000))
            let fillStart = DispatchTime.now().uptimeNanoseconds
            var batch: [(key: String, origin: String?, action: GateAction, repository: String, at: Int64)] = []
            for index in 0..<size {
                let key = Hex.encode(SecureRandom.bytes(32))
                if keys.count < 100_000 { keys.append(key) }
                batch.append((key, "fill-\(index)", .closeIssue, "bench/repo", 1_000_000 + Int64(index)))
                if batch.count == 50_000 {
                    try ledger.insertDone(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try ledger.insertDone(batch) }
            let fillSeconds = Double(DispatchTime.now().uptimeNanoseconds - fillStart) / 1e9

            let now = Int64(Date().timeIntervalSince1970)
            let claimStart = DispatchTime.now().uptimeNanoseconds
            for index in 0..<operations {
                let command = Command(source: "nostr:bench", repository: repository, payload: .closeIssue(issue: index + 1, comment: nil),
                                      origin: .init(eventID: "op-\(index)", createdAt: now), receivedAt: now)
                guard case .claimed(let entry) = try ledger.claim(key: IdempotencyKey(command), command: command, now: now, window: 86_400) else {
                    throw CLIError("bench: a fresh command was not claimed")
                }
                try ledger.complete(id: entry.id, result: "{}", at: now)
            }
            let claimSeconds = Double(DispatchTime.now().uptimeNanoseconds - claimStart) / 1e9

            let lookupStart = DispatchTime.now().uptimeNanoseconds
            var found = 0
            for index in 0..<operations {
                if try ledger.latest(key: IdempotencyKey(hex: keys[index % keys.count])) != nil { found += 1 }
                if try ledger.entry(originEventID: "fill-\(index % max(1, size))") != nil { found += 1 }
            }
            let lookupSeconds = Double(DispatchTime.now().uptimeNanoseconds - lookupStart) / 1e9
            guard found == 2 * operations || size == 0 else { throw CLIError("bench: lookups missed entries") }
            rows.append(Row(size: size, claimCompletePerSecond: Double(operations) / claimSeconds,
                            lookupsPerSecond: Double(2 * operations) / lookupSeconds, fillSeconds: fillSeconds))
        }
        return rows
    }
}
