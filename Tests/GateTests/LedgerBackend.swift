import Foundation
import Gate
import GatePostgres
import Logging
import PostgresNIO
import Testing

/// The ledger backends the shared ledger tests run against: SQLite always, PostgreSQL when
/// `OPERATOR_GATE_TEST_POSTGRES` names a server (`scripts/test` starts a private cluster and sets it).
enum LedgerBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["OPERATOR_GATE_TEST_POSTGRES"] }
    static var postgresPassword: String? { ProcessInfo.processInfo.environment["OPERATOR_GATE_TEST_POSTGRES_PASSWORD"] }
    static var available: [LedgerBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    static let quiet: Logger = { var logger = Logger(label: "test.ledger"); logger.logLevel = .critical; return logger }()

    /// A fresh ledger of this kind for `body`.
    func withLedger(_ body: (any Ledger) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("og-ledger-\(UUID().uuidString)/ledger.sqlite").path
            try await body(try SQLiteLedger(path: path))
        case .postgres:
            try await Self.withPostgresLedgers(count: 1) { try await body($0[0]) }
        }
    }

    /// A fresh database with `count` ledgers on it, as instances `instance-0`… would have.
    static func withPostgresLedgers(count: Int, lease: Int64 = 30, _ body: ([PostgresLedger]) async throws -> Void) async throws {
        let url = try #require(postgresURL, "OPERATOR_GATE_TEST_POSTGRES is not set (scripts/test sets it)")
        let database = try await createDatabase(serverURL: url)
        let configuration = try PostgresLedger.configuration(url: database, password: postgresPassword)
        let ledgers = (0..<count).map { PostgresLedger(configuration: configuration, instance: "instance-\($0)", lease: lease, logger: quiet) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for ledger in ledgers { group.addTask { await ledger.run() } }
            try await ledgers[0].migrate()
            try await body(ledgers)
            group.cancelAll()
        }
    }

    /// Creates `og_<random>` on the server and returns its URL.
    static func createDatabase(serverURL: String) async throws -> String {
        let admin = PostgresClient(configuration: try PostgresLedger.configuration(url: serverURL, password: postgresPassword), backgroundLogger: quiet)
        let name = "og_" + UUID().uuidString.prefix(12).lowercased().filter(\.isHexDigit)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            try await admin.query("CREATE DATABASE \(unescaped: name)", logger: quiet)
            group.cancelAll()
        }
        var components = try #require(URLComponents(string: serverURL))
        components.path = "/" + name
        return try #require(components.string)
    }
}
