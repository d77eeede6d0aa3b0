import Bot
import CLISupport
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
    static func with<T: Sendable>(
        _ settings: LedgerSettings, mustExist: Bool, migrate: Bool, logger: Logger,
        _ body: @escaping @Sendable (any Ledger) async throws -> T
    ) async throws -> T {
        if case .sqlite(let path) = settings.backend, mustExist, !FileManager.default.fileExists(atPath: path) {
            throw CLIError("no ledger at \(path) (nothing has been executed yet?)")
        }
        let opened: OpenedLedger
        do { opened = try settings.open(logger: logger) } catch {
            if case .sqlite(let path) = settings.backend { throw CLIError("cannot open the ledger \(path): \(error)") }
            throw CLIError("\(error)")
        }
        guard case .postgres(let ledger) = opened, case .postgres(let url) = settings.backend else { return try await body(opened.ledger) }
        return try await whileRunning([{ await ledger.run() }]) {
            do {
                if migrate {
                    try await ledger.migrate()
                } else {
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
