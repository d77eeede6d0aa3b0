import Foundation
import Gate
import GiteaSimulator
import Logging
import NIOConcurrencyHelpers
import TestSupport
import Testing

/// Runs the Gitea simulator for one test and builds Gate executors against it: over HTTP on a loopback port
/// (``GiteaClient``, the integration path), or in process (``SimulatedForge``, the Gate's unit tests, no HTTP).
struct SimulatorHarness {
    /// How the Gate reaches the simulator.
    enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case http, inProcess
        var testDescription: String { rawValue }
    }

    let state: GiteaSimulatorState
    let url: URL
    let transport: Transport
    static let repo = "ops/tc"

    /// Seeds a forge: the bot `gatebot` (token `bot-token`, writer on ops/tc), users alice and bob, labels bug and
    /// ops on the repository, urgent on the `ops` organisation, two labels named twin, and pull request !1.
    static func seed(_ state: GiteaSimulatorState) async {
        await state.seedExample()
    }

    /// Runs `body` with a running simulator.
    static func with<T: Sendable>(_ transport: Transport = .http, _ body: @Sendable (SimulatorHarness) async throws -> T) async throws -> T {
        let state = GiteaSimulatorState()
        await seed(state)
        if transport == .inProcess {
            return try await body(SimulatorHarness(state: state, url: URL(string: "http://127.0.0.1")!, transport: .inProcess))
        }
        let port = PortBox()
        let logger = {
            var logger = Logger(label: "test.gitea-simulator")
            logger.logLevel = .error
            return logger
        }()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await GiteaSimulator.run(state: state, logger: logger) { bound in port.value.withLockedValue { $0 = bound } }
                return nil
            }
            while port.value.withLockedValue({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            let harness = SimulatorHarness(
                state: state, url: URL(string: "http://127.0.0.1:\(port.value.withLockedValue { $0! })")!, transport: .http)
            let result = try await body(harness)
            group.cancelAll()
            return result
        }
    }

    func client(token: String = "bot-token", timeout: TimeInterval = 5) -> GiteaClient {
        GiteaClient(baseURL: url, token: token, timeout: .seconds(timeout), logger: Logger(label: "test.gitea"))
    }

    /// The forge as the Gate sees it, by the harness's transport; `sudo`: acting as that login.
    func forge(token: String = "bot-token", sudo: String? = nil, timeout: TimeInterval = 5) -> any Forge {
        switch transport {
        case .http: GiteaClient(baseURL: url, token: token, sudo: sudo, timeout: .seconds(timeout), logger: Logger(label: "test.gitea"))
        case .inProcess: SimulatedForge(state: state, token: token, sudo: sudo)
        }
    }

    func executor(
        ledgerPath: String = SimulatorHarness.ledgerPath(), token: String = "bot-token", timeout: TimeInterval = 5,
        actors: [String: any Forge] = [:], configuration: GateExecutor.Configuration = .init(),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws -> GateExecutor {
        GateExecutor(
            ledger: try SQLiteLedger(path: ledgerPath), forge: forge(token: token, timeout: timeout), botLogin: "gatebot", actors: actors,
            configuration: configuration, logger: Logger(label: "test.gate"), now: now)
    }

    static func ledgerPath() -> String {
        ScratchDirectory.root.appendingPathComponent("og-gate-\(UUID().uuidString)/ledger.sqlite").path
    }

    static func command(
        _ payload: CommandPayload, origin: String? = UUID().uuidString, again: Bool = false, source: String = "nostr:alice",
        actingUser: String? = nil
    ) -> Command {
        Command(
            source: source, repository: try! Repository(repo), payload: payload,
            origin: origin.map { .init(eventID: $0, createdAt: Int64(Date().timeIntervalSince1970)) },
            receivedAt: Int64(Date().timeIntervalSince1970), again: again, operatorName: actingUser.map { "op-" + $0 }, actingUser: actingUser)
    }
}

final class PortBox: Sendable {
    let value = NIOLockedValueBox<Int?>(nil)
}
