import Foundation
import Gate
import GiteaSimulator
import Logging
import NIOConcurrencyHelpers

/// Runs the Gitea simulator on a loopback port for one test and builds Gate executors against it.
struct SimulatorHarness {
    let state: GiteaSimulatorState
    let url: URL
    static let repo = "ops/tc"

    /// Seeds a forge: the bot `gatebot` (token `bot-token`, writer on ops/tc), users alice and bob, labels bug and
    /// ops on the repository, urgent on the `ops` organisation, two labels named twin, and pull request !1.
    static func seed(_ state: GiteaSimulatorState) async {
        await state.seedExample()
    }

    /// Runs `body` with a running simulator.
    static func with<T: Sendable>(_ body: @Sendable (SimulatorHarness) async throws -> T) async throws -> T {
        let state = GiteaSimulatorState()
        await seed(state)
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
            let harness = SimulatorHarness(state: state, url: URL(string: "http://127.0.0.1:\(port.value.withLockedValue { $0! })")!)
            let result = try await body(harness)
            group.cancelAll()
            return result
        }
    }

    func client(token: String = "bot-token", timeout: TimeInterval = 5) -> GiteaClient {
        GiteaClient(baseURL: url, token: token, timeout: timeout, logger: Logger(label: "test.gitea"))
    }

    func executor(ledgerPath: String = SimulatorHarness.ledgerPath(), token: String = "bot-token", timeout: TimeInterval = 5,
                  configuration: GateExecutor.Configuration = .init()) throws -> GateExecutor {
        GateExecutor(ledger: try SQLiteLedger(path: ledgerPath), forge: client(token: token, timeout: timeout), botLogin: "gatebot",
                     configuration: configuration, logger: Logger(label: "test.gate"))
    }

    static func ledgerPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("og-gate-\(UUID().uuidString)/ledger.sqlite").path
    }

    static func command(_ payload: CommandPayload, origin: String? = UUID().uuidString, again: Bool = false) -> Command {
        Command(source: "nostr:alice", repository: try! Repository(repo), payload: payload,
                origin: origin.map { .init(eventID: $0, createdAt: Int64(Date().timeIntervalSince1970)) },
                receivedAt: Int64(Date().timeIntervalSince1970), again: again)
    }
}

final class PortBox: Sendable {
    let value = NIOLockedValueBox<Int?>(nil)
}
