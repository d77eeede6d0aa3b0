/// The ports the loopback servers of `demo` and the latency benchmark bound (a Gitea simulator and a relay).
public actor LoopbackPorts {
    private var gitea: Int?
    private var relay: Int?

    public init() {}

    public func set(gitea port: Int) { gitea = port }
    public func set(relay port: Int) { relay = port }

    /// Both ports, once both servers are listening (at most 5 s).
    public func wait() async throws -> (gitea: Int, relay: Int) {
        for _ in 0..<500 {
            if let gitea, let relay { return (gitea, relay) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CLIError("the loopback servers did not start")
    }
}
