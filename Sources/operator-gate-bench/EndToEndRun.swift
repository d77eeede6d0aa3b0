import CLISupport
import Dispatch
import Foundation
import GiteaSimulator
import Logging
import NostrCore
import NostrIngress

/// One bot's measurement in `bench e2e`: a fresh simulator (ops/tc with issues #2…#load+1 beside the seeded #1) and
/// a fresh relay process, the operator client, then the bot and its phases: startup, warm-up, closed-loop latency
/// in both schemes, idle, and the two open-loop loads.
struct EndToEndRun: Sendable {
    let subject: EndToEndSubject
    let python: String
    let shim: String
    let directory: URL
    let samples: Int
    /// The wait before each closed-loop DM (an operator's pace; zero: one right after the other's answer).
    let pause: Duration
    let load: Int
    let idleSeconds: Int
    /// The run's turn-taking between bots, and this bot's place in it.
    let turns: PhaseTurns
    let index: Int

    /// Runs `body` as this bot's next phase (``PhaseTurns``), or as the rest of the phase already `begun`. A failure
    /// reaches ``measure()``, which ends the turn-taking so that the other bots do not wait forever.
    func inTurn<T>(begun: Bool = false, _ body: () async throws -> T) async throws -> T {
        if !begun { await turns.begin(index) }
        let result = try await body()
        await turns.end(index)
        return result
    }

    /// Sets up (its first turn: simulator, relay, operator client), then measures the bot phase by phase in turns
    /// (``phases(_:bot:relay:relayProcess:giteaPort:forge:)``). Ends the turn-taking when it returns or fails.
    func measure() async throws -> EndToEndFigures {
        await turns.begin(index)
        do {
            let figures = try await setUpAndMeasure()
            await turns.finish()
            return figures
        } catch {
            await turns.finish()
            throw error
        }
    }

    /// ``measure()`` once its first turn began; ``phases(_:bot:relay:relayProcess:giteaPort:forge:)`` ends that turn.
    private func setUpAndMeasure() async throws -> EndToEndFigures {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let quiet = Logger.quiet("bench.e2e")
        let forge = GiteaSimulatorState()
        await forge.seedExample()
        for index in 0..<load { await forge.addIssue("ops/tc", title: "Load \(index)", author: "alice") }
        let servers = LoopbackServers(forge: forge, logger: quiet)
        return try await whileRunning(servers.tasks) {
            let giteaPort = try await servers.ports().gitea
            let port = try BenchProcess.freePort()
            let relay = try BenchProcess(
                "relay", executable: python, arguments: ["scripts/bench/relay.py", "--port", "\(port)"], environment: ["LD_PRELOAD": shim],
                logPath: directory.appendingPathComponent("relay.log").path)
            do {
                try await relay.waitForLog("ws://", timeout: .seconds(30))
                let bot = SecretKey.generate()
                let figures = try await withClient(relay: "ws://127.0.0.1:\(port)", bot: bot.publicKey, logger: quiet) { client in
                    try await phases(
                        client, bot: bot, relay: "ws://127.0.0.1:\(port)", relayProcess: relay, giteaPort: giteaPort, forge: forge)
                }
                await relay.stop()
                return figures
            } catch {
                await relay.stop()
                throw error
            }
        }
    }

    /// Runs `body` with an operator client (a fresh key) connected to `relay`, taking answers from `bot`.
    private func withClient(
        relay: String, bot: PublicKey, logger: Logger, _ body: @escaping @Sendable (OperatorClient) async throws -> EndToEndFigures
    ) async throws -> EndToEndFigures {
        let keys = KeyPair(secretKey: .generate())
        let relays = try RelayList([RelayEndpoint(url: relay)])
        let pool = RelayPool(relays: relays, keyPair: keys, logger: logger) {
            InboxCursor().filters(recipient: keys.publicKey, now: Int64(Date().timeIntervalSince1970), lookback: 60)
        }
        let mailbox = AnswerMailbox()
        let client = OperatorClient(keys: keys, bot: bot, pool: pool, mailbox: mailbox)
        let decoder = DirectMessageDecoder(keys: ConversationKeyCache(secretKey: keys.secretKey))
        let background: [@Sendable () async throws -> Void] = [
            { await pool.run() }, { await mailbox.collect(pool.events, decoder: decoder, from: bot) }
        ]
        return try await whileRunning(background) {
            guard !(await pool.waitForConnections(timeout: .seconds(10))).isEmpty else { throw CLIError("the operator client cannot reach \(relay)") }
            return try await body(client)
        }
    }
}
