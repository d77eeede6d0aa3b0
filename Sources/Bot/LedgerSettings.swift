import Foundation
import GatePostgres
import Logging

/// Where the Gate's ledger lives (`ledger` in operator-gate.json) and, for a shared ledger, who this instance is.
///
///     "ledger": "sqlite:///var/lib/operator-gate/ledger.sqlite"    (default: sqlite in data_dir/ledger.sqlite)
///     "ledger": "postgres://gate@db.internal:5432/operator_gate",
///     "ledger_password_file": "ledger.password",                  (or OPERATOR_GATE_LEDGER_PASSWORD)
///     "instance": "gate-1",                                       (default: the host name)
///     "ledger_lease_s": 30
public struct LedgerSettings: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public let backend: Backend
    public let passwordFile: String?
    /// This instance's name in a shared ledger's claims; stable across restarts, distinct per instance.
    public let instance: String
    /// How long a claim stays this instance's without renewal (seconds).
    public let leaseSeconds: Int64

    public init(backend: Backend, passwordFile: String? = nil, instance: String = ProcessInfo.processInfo.hostName, leaseSeconds: Int64 = 30) {
        (self.backend, self.passwordFile, self.instance, self.leaseSeconds) = (backend, passwordFile, instance, leaseSeconds)
    }

    /// Parses the `ledger` value; relative SQLite paths resolve against `directory`, the default is `defaultPath`.
    static func parse(
        _ text: String?, passwordFile: String?, instance: String?, lease: Int64?, directory: String,
        defaultPath: String
    ) throws(BotConfigurationError) -> LedgerSettings {
        let backend: Backend
        switch text {
        case nil:
            backend = .sqlite(path: defaultPath)
        case let text? where text.hasPrefix("sqlite://"):
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw BotConfigurationError(field: "ledger", problem: "sqlite:// names no file (sqlite:///path/ledger.sqlite)")
            }
            backend = .sqlite(path: GateSettings.resolve(path, in: directory))
        case let text? where text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"):
            do { _ = try PostgresLedger.configuration(url: text, password: nil) } catch {
                throw BotConfigurationError(field: "ledger", problem: error.description)
            }
            backend = .postgres(url: text)
        case let text?:
            throw BotConfigurationError(field: "ledger", problem: "\"\(text)\" must be sqlite:///path or postgres://user@host:port/database")
        }
        let name = instance ?? ProcessInfo.processInfo.hostName
        guard !name.isEmpty, name.count <= 64 else { throw BotConfigurationError(field: "instance", problem: "must be 1 to 64 characters") }
        let leaseSeconds = lease ?? 30
        guard (3...3600).contains(leaseSeconds) else { throw BotConfigurationError(field: "ledger_lease_s", problem: "must be 3 to 3600 seconds") }
        return LedgerSettings(
            backend: backend, passwordFile: passwordFile.map { GateSettings.resolve($0, in: directory) },
            instance: name, leaseSeconds: leaseSeconds)
    }

    /// The shared ledger at `url` (this backend's URL) as this instance, with its lease and password; its client
    /// is not running yet (``PostgresLedger/run()``).
    public func postgresLedger(url: String, logger: Logger) throws -> PostgresLedger {
        try PostgresLedger(url: url, password: try password(), instance: instance, lease: leaseSeconds, logger: logger)
    }

    /// The PostgreSQL password: `OPERATOR_GATE_LEDGER_PASSWORD` if set, else `ledger_password_file`, else none.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BotConfigurationError) -> String? {
        if let value = environment["OPERATOR_GATE_LEDGER_PASSWORD"], !value.isEmpty { return value }
        guard let passwordFile else { return nil }
        return try SecretFile.read(passwordFile, field: "ledger_password_file")
    }
}
