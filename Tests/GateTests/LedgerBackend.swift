import Foundation
import Gate
import GatePostgres
import TestSupport
import Testing

/// The ledger backends the shared ledger tests run against: SQLite always, PostgreSQL when
/// `OPERATOR_GATE_TEST_POSTGRES` names a server (`scripts/test` starts a private cluster and sets it).
enum LedgerBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when a server is given, and always under CI (where a missing server fails the
    /// PostgreSQL cases instead of dropping them). The choice is printed once, so a run shows which backends ran.
    static let available: [LedgerBackend] = {
        let backends: [LedgerBackend] = PostgresScratch.testsRun ? [.sqlite, .postgres] : [.sqlite]
        let why = PostgresScratch.testsRun ? "" : " (OPERATOR_GATE_TEST_POSTGRES not set: PostgreSQL skipped)"
        FileHandle.standardError.write(Data("ledger tests run on: \(backends.map(\.rawValue).joined(separator: ", "))\(why)\n".utf8))
        return backends
    }()

    /// A fresh ledger of this kind for `body`.
    func withLedger(_ body: (any Ledger) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = ScratchDirectory.root.appendingPathComponent("og-ledger-\(UUID().uuidString)/ledger.sqlite").path
            try await body(try SQLiteLedger(path: path))
        case .postgres:
            try await Self.withPostgresLedgers(count: 1) { try await body($0[0]) }
        }
    }

    /// A fresh database with `count` ledgers on it, as instances `instance-0`… would have.
    static func withPostgresLedgers(count: Int, lease: Int64 = 30, _ body: ([PostgresLedger]) async throws -> Void) async throws {
        let database = try await PostgresScratch.createDatabase()
        let configuration = try PostgresLedger.configuration(url: database, password: PostgresScratch.password)
        let ledgers = (0..<count).map {
            PostgresLedger(configuration: configuration, instance: "instance-\($0)", lease: lease, logger: PostgresScratch.quiet)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for ledger in ledgers { group.addTask { await ledger.run() } }
            try await ledgers[0].migrate()
            try await body(ledgers)
            group.cancelAll()
        }
    }
}
