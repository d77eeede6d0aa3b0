import Bot
import Foundation
import Gate
import GatePostgres
import Logging

/// Opens the ledger a configuration names, for the tools (`ledger list|show`, `gate exec|recover`, `doctor`):
/// a SQLite file, or a PostgreSQL database whose client runs for as long as `body` does.
enum LedgerAccess {
    /// - Parameters:
    ///   - mustExist: for read-only tools, a SQLite file that does not exist yet is an error instead of being created.
    ///   - migrate: create or upgrade a PostgreSQL schema first (tools that write).
    static func with<T: Sendable>(_ settings: LedgerSettings, mustExist: Bool, migrate: Bool, logger: Logger,
                                  _ body: @Sendable (any Ledger) async throws -> T) async throws -> T {
        switch settings.backend {
        case .sqlite(let path):
            if mustExist, !FileManager.default.fileExists(atPath: path) { throw CLIError("no ledger at \(path) (nothing has been executed yet?)") }
            let ledger: SQLiteLedger
            do { ledger = try SQLiteLedger(path: path, lease: settings.leaseSeconds) } catch { throw CLIError("cannot open the ledger \(path): \(error)") }
            return try await body(ledger)
        case .postgres(let url):
            let ledger: PostgresLedger
            do { ledger = try settings.postgresLedger(url: url, logger: logger) } catch { throw CLIError("\(error)") }
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { await ledger.run(); return nil }
                defer { group.cancelAll() }
                do {
                    if migrate { try await ledger.migrate() } else {
                        try await ledger.checkConnection()
                        if try await ledger.storedSchemaVersion() == nil {
                            throw CLIError("the database at \(url) has no operator-gate ledger yet (run the bot once: it creates the schema)")
                        }
                    }
                } catch let error as CLIError { throw error } catch {
                    throw CLIError("cannot use the ledger database \(url): \(String(reflecting: error))")
                }
                return try await body(ledger)
            }
        }
    }
}
