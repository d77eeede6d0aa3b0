/// A Gitea error answer: its HTTP status and the `message` of its body. The simulated API throws it; the HTTP
/// routes send it as Gitea's error body, and ``SimulatedForge`` turns it into the `GiteaError` the client would.
public struct SimulatorFailure: Error, Sendable, Equatable {
    public let status: Int
    public let message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }
}
