import ArgumentParser
import Bot
import CLISupport
import Foundation
import Gate
import GiteaSimulator
import Logging
import LoopbackRelay
import NostrCore
import NostrIngress
import ServiceLifecycle

/// `operator-gate demo`: the whole product on loopback, with nothing configured.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Run the bot against an in-process relay and Gitea simulator, send it DMs as an operator, print the conversation and Gitea's state.",
        discussion: """
            Makes fresh keys and a configuration in a temporary folder (kept with --keep), starts a loopback relay and the \
            Gitea simulator, runs the bot from that configuration, and sends DMs over both schemes (NIP-17 and NIP-04), \
            including a replayed command and a stranger's DM. Exits 0 when every answer was as expected.
            """)

    @Flag(help: "Keep the temporary folder (configuration, keys, ledger) and print its path.") var keep = false
    @Flag(help: "Show the bot's log (info level) on stderr.") var verbose = false

    func run() async throws {
        try await runAsyncTool {
            let logger = {
                var logger = Logger(label: "operator-gate.demo") { StreamLogHandler.standardError(label: $0) }
                logger.logLevel = verbose ? .info : .critical
                return logger
            }()
            let serverLogger = logger.quieted
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("operator-gate-demo-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { if !keep { try? FileManager.default.removeItem(at: folder) } }

            let forge = GiteaSimulatorState()
            await forge.seedExample()
            let servers = LoopbackServers(forge: forge, logger: serverLogger)
            let keep = self.keep
            let ok = try await whileRunning(servers.tasks) {
                let (giteaPort, relayPort, inboxPort) = try await servers.ports()
                guard let webhookPort = FreePort.loopback() else { throw CLIError("demo: no free loopback port for the webhook receiver") }
                let script = try DemoScript(
                    folder: folder, giteaURL: "http://127.0.0.1:\(giteaPort)", relayURL: "ws://127.0.0.1:\(relayPort)",
                    inboxURL: "ws://127.0.0.1:\(inboxPort)", webhookPort: webhookPort)
                StandardIO.printLine("operator-gate demo: relay ws://127.0.0.1:\(relayPort), Gitea simulator http://127.0.0.1:\(giteaPort)")
                StandardIO.printLine("bot      \(script.bot.publicKey.npub)")
                StandardIO.printLine("alice    \(script.alice.publicKey.npub)  (operator: ops/*, every action)")
                StandardIO.printLine("stranger \(script.stranger.publicKey.npub)  (not an operator)")
                if keep { StandardIO.printLine("folder   \(folder.path)") }
                try await script.publishOperatorInbox(logger: serverLogger)
                StandardIO.printLine("")

                let inputs = try BotRuntimeInputs.load(config: script.configPath)
                let assembly = try BotAssembly(
                    configuration: inputs.configuration, secretKey: inputs.secretKey, relays: inputs.relays,
                    giteaToken: inputs.giteaToken, giteaTimeout: 5, logger: logger)
                // Gitea's webhook for ops/tc points at the bot's receiver, created through the API as `operator-gate
                // webhook install` does.
                let hook = try await GiteaClient(baseURL: URL(string: "http://127.0.0.1:\(giteaPort)")!, token: "bot-token", logger: serverLogger)
                    .createHook(try Repository("ops/tc"), url: script.webhookURL.absoluteString, secret: script.webhookSecret)
                StandardIO.printLine("Gitea webhook \(hook.id) of ops/tc → \(script.webhookURL.absoluteString)")
                StandardIO.printLine("")
                let services =
                    assembly.serviceConfigurations
                    + [try WebhookEndpoint.service(assembly, configuration: inputs.configuration, logger: logger)].compactMap { $0 }
                return try await whileRunning([{ try await ServiceGroup(configuration: .init(services: services, logger: logger)).run() }]) {
                    await script.printBotInbox(logger: serverLogger)
                    let ok = try await script.converse(forge: forge, logger: logger)
                    try await script.printForge(forge, ledger: assembly.ledger)
                    return ok
                }
            }
            if !ok { throw CLIError("demo: an answer was not what it should be (see above)") }
        }
    }
}
