import ArgumentParser
import CLISupport
import Foundation
import Gate
import GiteaSimulator
import Logging

/// `operator-gate-bench gitea`: what one Gitea request costs through the bot's client, against the simulator on
/// loopback, on the bot's transport (async-http-client) beside the URLSession transports it used before.
struct GiteaBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitea",
        abstract: "ms per Gitea GET and POST through GiteaClient against the loopback simulator: the bot's transport beside URLSession.")
    @Option(help: "Requests per kind and session.") var requests = 1000

    func validate() throws {
        guard (10...1_000_000).contains(requests) else { throw ValidationError("--requests must be 10...1000000") }
    }

    func run() async throws {
        try await runAsyncTool {
            let quiet = Logger.quiet("bench.gitea")
            let forge = GiteaSimulatorState()
            await forge.seedExample()
            let servers = LoopbackServers(forge: forge, logger: quiet)
            let requests = self.requests
            let rows = try await whileRunning(servers.tasks) {
                let base = URL(string: "http://127.0.0.1:\(try await servers.ports().gitea)")!
                let transports: [(String, any GiteaTransport)] = [
                    ("async-http-client (the bot's)", AsyncHTTPGiteaTransport()),
                    ("URLSession, no cache or cookies", URLSessionGiteaTransport(cached: false)),
                    ("URLSession, default ephemeral", URLSessionGiteaTransport(cached: true))
                ]
                var rows: [String] = []
                for (name, transport) in transports {
                    let client = GiteaClient(baseURL: base, token: "bot-token", transport: transport, logger: quiet)
                    let (get, post) = try await Self.measure(client, requests: requests)
                    rows.append(
                        name.padding(toLength: 36, withPad: " ", startingAt: 0)
                            + String(format: "  GET p50 %6.3f p99 %6.3f   POST p50 %6.3f p99 %6.3f", get.0, get.1, post.0, post.1))
                }
                return rows
            }
            StandardIO.printLine("transport                             ms per request (loopback simulator, \(requests) each)")
            for row in rows { StandardIO.printLine(row) }
        }
    }

    /// p50 and p99 in ms of `requests` GETs of ops/tc#1, then as many comment POSTs, one at a time after a warm-up.
    static func measure(_ client: GiteaClient, requests: Int) async throws -> ((Double, Double), (Double, Double)) {
        let repository = try Repository("ops/tc")
        for _ in 0..<20 { _ = try await client.issue(repository, 1) }
        var gets: [Double] = []
        var posts: [Double] = []
        for _ in 0..<requests {
            let start = ContinuousClock.now
            _ = try await client.issue(repository, 1)
            gets.append(milliseconds(ContinuousClock.now - start))
        }
        for index in 0..<requests {
            let start = ContinuousClock.now
            _ = try await client.createComment(repository, 1, body: "bench \(index)")
            posts.append(milliseconds(ContinuousClock.now - start))
        }
        let (get, post) = (LatencySummary(gets), LatencySummary(posts))
        return ((get.p50, get.p99), (post.p50, post.p99))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
