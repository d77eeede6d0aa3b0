import GiteaSimulator
import Logging
import LoopbackRelay

/// The loopback servers of `demo` and the latency benchmark: a Gitea simulator on `forge` and a relay, each on a
/// free port. Run ``tasks`` in the background (``whileRunning(_:_:)``), then ask ``ports()``.
public struct LoopbackServers: Sendable {
    public let forge: GiteaSimulatorState
    public let relay = LoopbackRelayState()
    private let bound = LoopbackPorts()
    private let logger: Logger

    public init(forge: GiteaSimulatorState, logger: Logger) { (self.forge, self.logger) = (forge, logger) }

    /// The two servers, until cancelled.
    public var tasks: [@Sendable () async throws -> Void] {
        let (forge, relay, bound, logger) = (forge, relay, bound, logger)
        return [
            { try await GiteaSimulator.run(state: forge, logger: logger) { await bound.set(gitea: $0) } },
            { try await LoopbackRelay.run(state: relay, logger: logger) { await bound.set(relay: $0) } }
        ]
    }

    /// Both ports, once both servers are listening (at most 5 s).
    public func ports() async throws -> (gitea: Int, relay: Int) {
        try await bound.wait()
    }
}

/// The ports the servers bound, as they report them.
actor LoopbackPorts {
    private var gitea: Int?
    private var relay: Int?

    func set(gitea port: Int) { gitea = port }
    func set(relay port: Int) { relay = port }

    func wait() async throws -> (gitea: Int, relay: Int) {
        for _ in 0..<500 {
            if let gitea, let relay { return (gitea, relay) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CLIError("the loopback servers did not start")
    }
}
