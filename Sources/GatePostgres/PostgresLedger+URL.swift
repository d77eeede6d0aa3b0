import Foundation
import NIOSSL
import PostgresNIO

extension PostgresLedger {
    /// Client settings from `postgres://user@host:port/database` (the `ledger` setting). The password is not
    /// taken from the URL (it would end up in logs and process lists): pass it from a file or the environment.
    /// A `sslmode=require` query item turns TLS on; loopback connections default to plain TCP.
    public static func configuration(url text: String, password: String?) throws(PostgresLedgerError) -> PostgresClient.Configuration {
        let address = try Address(url: text)
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: password,
            database: address.database, tls: address.clientTLS)
        configuration.options.maximumConnections = 8
        return configuration
    }

    /// Settings for one connection outside the pool, with the same server, account and TLS mode as
    /// ``configuration(url:password:)`` (``checkConnection()`` uses them).
    public static func connectionConfiguration(url text: String, password: String?) throws(PostgresLedgerError) -> PostgresConnection.Configuration {
        let address = try Address(url: text)
        return PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: password,
            database: address.database, tls: try address.connectionTLS())
    }

    /// The parts of a ledger URL.
    struct Address {
        enum SSLMode: String { case disable, prefer, require }
        let host: String
        let port: Int
        let user: String
        let database: String
        let sslMode: SSLMode

        init(url text: String) throws(PostgresLedgerError) {
            guard let components = URLComponents(string: text), let scheme = components.scheme,
                scheme == "postgres" || scheme == "postgresql"
            else {
                throw .invalidURL("\"\(text)\" is not a postgres:// URL")
            }
            guard components.password == nil else {
                throw .invalidURL("do not put the password in the URL; use ledger_password_file or OPERATOR_GATE_LEDGER_PASSWORD")
            }
            guard let host = components.host, !host.isEmpty else { throw .invalidURL("\"\(text)\" names no host") }
            guard let user = components.user, !user.isEmpty else { throw .invalidURL("\"\(text)\" names no user (postgres://USER@host/db)") }
            let database = String(components.path.drop(while: { $0 == "/" }))
            guard !database.isEmpty else { throw .invalidURL("\"\(text)\" names no database (postgres://user@host:port/DATABASE)") }
            let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
            guard let sslMode = SSLMode(rawValue: mode) else { throw .invalidURL("sslmode \"\(mode)\" is not one of disable, prefer, require") }
            (self.host, port, self.user, self.database, self.sslMode) = (host, components.port ?? 5432, user, database, sslMode)
        }

        var clientTLS: PostgresClient.Configuration.TLS {
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        }

        func connectionTLS() throws(PostgresLedgerError) -> PostgresConnection.Configuration.TLS {
            guard sslMode != .disable else { return .disable }
            let context: NIOSSLContext
            do { context = try NIOSSLContext(configuration: .makeClientConfiguration()) } catch {
                throw .refused("cannot set up TLS for sslmode=\(sslMode.rawValue): \(error)")
            }
            return sslMode == .prefer ? .prefer(context) : .require(context)
        }
    }
}
