import CLISupport
import Foundation
import Gate
import GatePostgres
import Logging
import PostgresNIO

/// `operator-gate-bench ledger --backend postgres`: claim+complete rates of the shared ledger in a fresh database,
/// with one instance and with three (three ledgers, each with its own connection pool, as three processes would
/// have), all claiming distinct commands with `concurrency` in flight in total; and one at a time.
struct PostgresLedgerBenchmark {
    let url: String
    let password: String?
    let operations: Int
    let concurrency: Int

    struct Row {
        let instances: Int
        let claimCompletePerSecond: Double
    }

    func run(logger: Logger) async throws -> (rows: [Row], oneAtATime: Double) {
        let serverConfiguration = try PostgresLedger.configuration(url: url, password: password)
        let admin = PostgresClient(configuration: serverConfiguration, backgroundLogger: logger)
        let name = "og_bench_" + UUID().uuidString.prefix(8).lowercased()
        var components = URLComponents(string: url)!
        components.path = "/" + name
        let configuration = try PostgresLedger.configuration(url: components.string!, password: password)
        let (operations, concurrency) = (self.operations, self.concurrency)
        return try await whileRunning([{ await admin.run() }]) {
            try await admin.query("CREATE DATABASE \(unescaped: name)", logger: logger)
            let ledgers = (0..<3).map { PostgresLedger(configuration: configuration, instance: "bench-\($0)", logger: logger) }
            return try await whileRunning(ledgers.map { ledger in { await ledger.run() } }) {
                try await ledgers[0].migrate()
                let repository = try Repository("bench/repo")
                let now = Int64(Date().timeIntervalSince1970)

                let sequentialCount = max(1, operations / 10)
                let sequentialSeconds = try await LedgerBenchmark.claimAndCompleteConcurrently(
                    [ledgers[0]], repository, workers: 1, total: sequentialCount, prefix: "seq", now: now)
                let oneAtATime = Double(sequentialCount) / sequentialSeconds

                var rows: [Row] = []
                for instances in [1, 3] {
                    let seconds = try await LedgerBenchmark.claimAndCompleteConcurrently(
                        Array(ledgers.prefix(instances)), repository, workers: concurrency,
                        total: operations, prefix: "i\(instances)", now: now)
                    rows.append(Row(instances: instances, claimCompletePerSecond: Double(operations) / seconds))
                }
                guard try await ledgers[1].count() == sequentialCount + 2 * operations else { throw CLIError("bench: the ledger lost entries") }
                return (rows, oneAtATime)
            }
        }
    }
}
