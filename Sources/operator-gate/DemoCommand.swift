import ArgumentParser
import Bot
import Foundation
import Gate
import GiteaSimulator
import Logging
import LoopbackRelay
import NostrCore
import NostrIngress

/// `operator-gate demo`: the whole product on loopback, with nothing configured.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bot against an in-process relay and Gitea simulator, send it DMs as an operator, print the conversation and Gitea's state.",
        discussion: """
            Makes fresh keys and a configuration in a temporary folder (kept with --keep), starts a loopback relay and the \
            Gitea simulator, runs the bot from that configuration, and sends DMs over both schemes (NIP-17 and NIP-04), \
            including a replayed command and a stranger's DM. Exits 0 when every answer was as expected.
            """)

    @Flag(help: "Keep the temporary folder (configuration, keys, ledger) and print its path.") var keep = false
    @Flag(help: "Show the bot's log (info level) on stderr.") var verbose = false

    func run() async throws {
        try await runAsyncTool {
            var logger = Logger(label: "operator-gate.demo") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = verbose ? .info : .critical
            let serverLogger = { var quiet = logger; quiet.logLevel = .critical; return quiet }()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("operator-gate-demo-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(at: folder) } }

            let forge = GiteaSimulatorState()
            await forge.seedExample()
            let relayState = LoopbackRelayState()
            let ports = DemoPorts()
            let ok = try await withThrowingTaskGroup(of: Void.self) { group -> Bool in
                group.addTask { try await GiteaSimulator.run(state: forge, logger: serverLogger) { await ports.set(gitea: $0) } }
                group.addTask { try await LoopbackRelay.run(state: relayState, logger: serverLogger) { await ports.set(relay: $0) } }
                let (giteaPort, relayPort) = try await ports.wait()
                let script = try DemoScript(folder: folder, giteaURL: "http://127.0.0.1:\(giteaPort)", relayURL: "ws://127.0.0.1:\(relayPort)")
                StandardIO.printLine("operator-gate demo: relay ws://127.0.0.1:\(relayPort), Gitea simulator http://127.0.0.1:\(giteaPort)")
                StandardIO.printLine("bot      \(script.bot.publicKey.npub)")
                StandardIO.printLine("alice    \(script.alice.publicKey.npub)  (operator: ops/*, every action)")
                StandardIO.printLine("stranger \(script.stranger.publicKey.npub)  (not an operator)")
                if keep { StandardIO.printLine("folder   \(folder.path)") }
                StandardIO.printLine("")

                let botLogger = logger
                let inputs = try BotRuntimeInputs.load(config: script.configPath)
                let assembly = try BotAssembly(configuration: inputs.configuration, secretKey: inputs.secretKey, relays: inputs.relays,
                                               giteaToken: inputs.giteaToken, giteaTimeout: 5, logger: botLogger)
                group.addTask { try await assembly.run(logger: botLogger) }
                let ok = try await script.converse(logger: botLogger)
                try await script.printForge(forge, ledger: assembly.ledger)
                group.cancelAll()
                return ok
            }
            if !ok { throw CLIError("demo: an answer was not what it should be (see above)") }
        }
    }
}

/// The ports the demo's servers bound.
actor DemoPorts {
    private var gitea: Int?
    private var relay: Int?
    func set(gitea port: Int) { gitea = port }
    func set(relay port: Int) { relay = port }
    func wait() async throws -> (Int, Int) {
        for _ in 0..<500 {
            if let gitea, let relay { return (gitea, relay) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CLIError("demo: the loopback servers did not start")
    }
}
