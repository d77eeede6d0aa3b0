import Gate
import GatePostgres
import Logging

/// A ledger opened from ``LedgerSettings`` (``LedgerSettings/open(logger:)``, the one way every command opens
/// one): a SQLite file, or a PostgreSQL database whose client must run while it is used (``PostgresLedger/run()``,
/// or as a service of a `ServiceGroup`).
public enum OpenedLedger: Sendable {
    case sqlite(SQLiteLedger)
    case postgres(PostgresLedger)

    public var ledger: any Ledger {
        switch self {
        case .sqlite(let ledger): ledger
        case .postgres(let ledger): ledger
        }
    }

    /// The shared ledger, when it is one.
    public var postgres: PostgresLedger? {
        if case .postgres(let ledger) = self { return ledger }
        return nil
    }
}

extension LedgerSettings {
    /// Opens the ledger these settings name, as this instance, with its lease (and password, for PostgreSQL); a
    /// SQLite file is created if missing.
    public func open(logger: Logger) throws -> OpenedLedger {
        switch backend {
        case .sqlite(let path): return .sqlite(try SQLiteLedger(path: path, lease: leaseSeconds))
        case .postgres(let url): return .postgres(try postgresLedger(url: url, logger: logger))
        }
    }
}
