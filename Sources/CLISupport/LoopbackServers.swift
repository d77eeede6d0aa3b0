import GiteaSimulator
import Logging
import LoopbackRelay

/// The loopback servers of `demo` and the latency benchmark: a Gitea simulator on `forge`, the bot's relay and a
/// second relay (the operator's DM inbox in `demo`), each on a free port. Run ``tasks`` in the background (``whileRunning(_:_:)``), then ask ``ports()``.
public struct LoopbackServers: Sendable {
    public let forge: GiteaSimulatorState
    public let relay = LoopbackRelayState()
    public let inbox = LoopbackRelayState()
    private let bound = LoopbackPorts()
    private let logger: Logger

    public init(forge: GiteaSimulatorState, logger: Logger) { (self.forge, self.logger) = (forge, logger) }

    /// The three servers, until cancelled.
    public var tasks: [@Sendable () async throws -> Void] {
        let (forge, relay, inbox, bound, logger) = (forge, relay, inbox, bound, logger)
        return [
            { try await GiteaSimulator.run(state: forge, logger: logger) { await bound.set(gitea: $0) } },
            { try await LoopbackRelay.run(state: relay, logger: logger) { await bound.set(relay: $0) } },
            { try await LoopbackRelay.run(state: inbox, logger: logger) { await bound.set(inbox: $0) } }
        ]
    }

    /// The three ports, once every server is listening (at most 5 s).
    public func ports() async throws -> (gitea: Int, relay: Int, inbox: Int) {
        try await bound.wait()
    }
}

/// The ports the servers bound, as they report them.
actor LoopbackPorts {
    private var gitea: Int?
    private var relay: Int?
    private var inbox: Int?

    func set(gitea port: Int) { gitea = port }
    func set(relay port: Int) { relay = port }
    func set(inbox port: Int) { inbox = port }

    func wait() async throws -> (gitea: Int, relay: Int, inbox: Int) {
        for _ in 0..<500 {
            if let gitea, let relay, let inbox { return (gitea, relay, inbox) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CLIError("the loopback servers did not start")
    }
}
