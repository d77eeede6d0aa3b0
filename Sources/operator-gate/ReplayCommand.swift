import ArgumentParser
import Bot
import CLISupport
import Foundation
import Gate
import Logging
import NostrCore
import NostrIngress

/// `operator-gate replay`: captured relay frames through the bot's pipeline.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run captured relay frames (from `run --capture` or `dm listen --capture`) through the bot's pipeline.",
        discussion: """
            Each frame is judged at its capture time. For every frame that reaches the command stage (an operator's \
            decrypted message) one JSON line is printed: {"event_id","from","action","repo","payload","decision","reason"} \
            with decision execute, replay, refuse or drop. With --dry-run nothing is written: the ledger is read from a \
            copy and nothing is sent to Gitea. Without it, commands run through the Gate (the ledger still prevents \
            double execution) and replies are stored for the next `run` to publish.
            """)

    @Argument(help: "The capture file (JSON lines).") var capture: String
    @OptionGroup var configFile: ConfigFileOption
    var config: String { configFile.path }
    @Flag(help: "Write nothing: decide only.") var dryRun = false

    func run() async throws {
        try await runAsyncTool {
            let frames: [CapturedFrame]
            do { frames = try CaptureReader.read(path: capture) } catch { throw CLIError("\(capture): \(error)") }
            let (events, summary) = CaptureReplay(frames: frames).events()
            let inputs = try BotRuntimeInputs.load(config: config)
            var logger = Logger(label: "operator-gate.replay") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .warning
            var lines = 0
            if dryRun {
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("operator-gate-replay-\(UUID().uuidString.prefix(8))")
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: scratch) }
                // SQLite: a copy of the ledger file. PostgreSQL: the shared database itself, only read (`preview`).
                var ledgerSettings = inputs.configuration.ledger
                if case .sqlite(let original) = ledgerSettings.backend {
                    let ledgerCopy = scratch.appendingPathComponent("ledger.sqlite").path
                    for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: original + suffix) {
                        try FileManager.default.copyItem(atPath: original + suffix, toPath: ledgerCopy + suffix)
                    }
                    ledgerSettings = LedgerSettings(backend: .sqlite(path: ledgerCopy))
                }
                let start = events.first.map { Int64($0.receivedAt.timeIntervalSince1970) } ?? Int64(Date().timeIntervalSince1970)
                // The pipeline and Gate `run` builds; nothing persisted: the inbox's seen record is kept in memory.
                let pipeline = try BotAssembly.pipeline(
                    configuration: inputs.configuration, keys: ConversationKeyCache(secretKey: inputs.secretKey), store: nil, now: start,
                    logger: logger)
                let configuration = inputs.configuration
                let token = inputs.giteaToken
                let gateLogger = logger
                lines = try await LedgerAccess.with(ledgerSettings, mustExist: false, migrate: false, logger: logger) { ledger in
                    let gate = try BotAssembly.gate(configuration: configuration, ledger: ledger, giteaToken: token, logger: gateLogger)
                    var printed = 0
                    for inbound in events {
                        let time = Int64(inbound.receivedAt.timeIntervalSince1970)
                        let decision = await pipeline.admit(inbound.event, now: time)
                        var preview: GateExecutor.Preview?
                        if case .execute(_, _, let command) = decision { preview = try await gate.preview(command, now: time) }
                        if let line = Self.line(inbound.event, decision, preview: preview, ack: nil) {
                            StandardIO.printLine(line)
                            printed += 1
                        }
                    }
                    return printed
                }
            } else {
                let assembly = try BotAssembly(
                    configuration: inputs.configuration, secretKey: inputs.secretKey, relays: inputs.relays,
                    giteaToken: inputs.giteaToken, logger: logger)
                // A shared ledger's client runs while the frames are replayed.
                let postgres = assembly.postgres
                lines = try await whileRunning(postgres.map { ledger in [{ await ledger.run() }] } ?? []) {
                    try await postgres?.migrate()
                    var printed = 0
                    for inbound in events {
                        let (decision, ack) = await assembly.consumer.handle(inbound, at: Int64(inbound.receivedAt.timeIntervalSince1970))
                        if let line = Self.line(inbound.event, decision, preview: nil, ack: ack) {
                            StandardIO.printLine(line)
                            printed += 1
                        }
                    }
                    return printed
                }
            }
            StandardIO.printError(
                "replay: \(summary.frames) frames, \(summary.events) events (\(summary.duplicates) duplicates, "
                    + "\(summary.malformed) malformed), \(lines) reached the command stage\(dryRun ? " (dry run: nothing written)" : "")")
        }
    }

    /// The JSON line for a frame that reached the command stage, or nil.
    static func line(_ event: Event, _ decision: InboxDecision, preview: GateExecutor.Preview?, ack: Ack?) -> String? {
        let message: DirectMessage
        var action: JSONOutput = .null
        var repo: JSONOutput = .null
        var payload: JSONOutput = .null
        let verdict: String
        let reason: String
        switch decision {
        case .deliver:
            return nil
        case .drop(let label, let detail, let dropped):
            guard let dropped else { return nil }
            message = dropped
            (verdict, reason) = ("drop", "\(label.label): \(detail)")
        case .answer(let answered, _, let text, let outcome):
            message = answered
            action = .string(outcome.rawValue)
            (verdict, reason) = (outcome.isInformational ? "execute" : "refuse", text)
        case .answerStranger(let answered, let text):
            message = answered
            action = .string("stranger")
            (verdict, reason) = ("refuse", text)
        case .execute(let executed, _, let command):
            message = executed
            (action, repo, payload) = (.string(command.action.rawValue), .string(command.repository.description), .raw(command.payloadJSON))
            if let ack {
                (verdict, reason) = (!ack.success ? "refuse" : ack.priorExecution ? "replay" : "execute", ack.message)
            } else if case .replay(let why) = preview {
                (verdict, reason) = ("replay", why)
            } else {
                (verdict, reason) = ("execute", "allowed by policy; not in the ledger")
            }
        }
        return JSONOutput.object([
            ("event_id", .string(event.id)), ("from", .string(message.sender.hex)), ("action", action), ("repo", repo),
            ("payload", payload), ("decision", .string(verdict)), ("reason", .string(reason))
        ]).text
    }
}
