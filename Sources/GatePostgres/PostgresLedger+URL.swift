import Foundation
import PostgresNIO

extension PostgresLedger {
    /// Client settings from `postgres://user@host:port/database` (the `ledger` setting). The password is not
    /// taken from the URL (it would end up in logs and process lists): pass it from a file or the environment.
    /// A `sslmode=require` query item turns TLS on; loopback connections default to plain TCP.
    public static func configuration(url text: String, password: String?) throws(PostgresLedgerError) -> PostgresClient.Configuration {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw .invalidURL("\"\(text)\" is not a postgres:// URL")
        }
        guard components.password == nil else {
            throw .invalidURL("do not put the password in the URL; use ledger_password_file or OPERATOR_GATE_LEDGER_PASSWORD")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL("\"\(text)\" names no host") }
        guard let user = components.user, !user.isEmpty else { throw .invalidURL("\"\(text)\" names no user (postgres://USER@host/db)") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .invalidURL("\"\(text)\" names no database (postgres://user@host:port/DATABASE)") }
        let tls: PostgresClient.Configuration.TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
        case nil, "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case let other?: throw .invalidURL("sslmode \"\(other)\" is not one of disable, prefer, require")
        }
        var configuration = PostgresClient.Configuration(host: host, port: components.port ?? 5432, username: user, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = 8
        return configuration
    }
}
