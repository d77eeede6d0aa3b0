import Foundation
import GatePostgres
import Logging
import PostgresNIO

/// The PostgreSQL server the tests may use (`OPERATOR_GATE_TEST_POSTGRES`, with the password in
/// `OPERATOR_GATE_TEST_POSTGRES_PASSWORD`; `scripts/test` starts a private cluster on loopback and sets both),
/// and fresh databases on it.
public enum PostgresScratch {
    public static var serverURL: String? { ProcessInfo.processInfo.environment["OPERATOR_GATE_TEST_POSTGRES"] }
    public static var password: String? { ProcessInfo.processInfo.environment["OPERATOR_GATE_TEST_POSTGRES_PASSWORD"] }

    /// Whether the PostgreSQL tests run: when a server is given, and always under CI (`CI` set), where a missing
    /// server must fail the run instead of skipping them silently.
    public static var testsRun: Bool { serverURL != nil || ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } == true }

    public static let quiet: Logger = {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// Creates `og_<random>` on the server and returns its URL.
    public static func createDatabase() async throws -> String {
        guard let serverURL else {
            throw RustNostrPeer.PeerError("OPERATOR_GATE_TEST_POSTGRES is not set (scripts/test sets it), and CI requires the PostgreSQL tests")
        }
        let name = "og_" + UUID().uuidString.prefix(12).lowercased().filter(\.isHexDigit)
        try await withClient(url: serverURL) { client in
            try await client.query("CREATE DATABASE \(unescaped: name)", logger: quiet)
        }
        var components = URLComponents(string: serverURL)!
        components.path = "/" + name
        return components.string!
    }

    /// Runs `body` with a client on `url` (running for as long as `body` does).
    public static func withClient<T: Sendable>(url: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: try PostgresLedger.configuration(url: url, password: password), backgroundLogger: quiet)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
