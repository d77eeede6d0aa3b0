/// A Gitea error answer: its HTTP status and the `message` of its body. The simulated API throws it; the HTTP
/// routes send it as Gitea's error body, and ``SimulatedForge`` turns it into the `GiteaError` the client would.
struct SimulatorFailure: Error, Sendable, Equatable {
    let status: Int
    let message: String
}
