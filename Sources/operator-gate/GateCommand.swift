import ArgumentParser
import Bot
import CLISupport
import Foundation
import Gate
import Logging

/// `operator-gate gate exec|recover`: run the Gate directly (operators' debugging, and the crash tests).
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", abstract: "Run Gate commands against Gitea directly, with the ledger.",
        subcommands: [Exec.self, Recover.self])

    struct Options: ParsableArguments {
        @Option(help: "The bot's operator-gate.json (its data_dir and gitea fields are used).") var config: String?
        @Option(help: "Ledger file (SQLite); default: ledger.sqlite in the config's data_dir, else data/ledger.sqlite.") var ledger: String?
        @Option(help: "Gitea base URL, e.g. https://forge.example (overrides the config).") var gitea: String?
        @Option(help: "File holding the Gitea token (GITEA_TOKEN overrides it).") var tokenFile: String?
        @Option(help: "The bot's Gitea login, used by crash-recovery probes (overrides the config).") var login: String?
        @Option(help: "HTTP timeout in seconds.") var timeout: Double = 15
        @Flag(help: "Log Gate and Gitea activity on stderr (the token is never logged).") var verbose = false

        /// Runs `body` with a Gate on the configured ledger (SQLite, or PostgreSQL with its client running).
        func withExecutor<T: Sendable>(_ body: @escaping @Sendable (GateExecutor) async throws -> T) async throws -> T {
            var settings: GateSettings?
            if let config {
                do { settings = try GateSettings.load(path: config) } catch { throw CLIError("--config: \(error)") }
            }
            guard let urlText = gitea ?? settings?.giteaURL.absoluteString else { throw CLIError("no Gitea URL: pass --config FILE or --gitea URL") }
            guard let url = URL(string: urlText), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
                throw CLIError("--gitea must be an http(s) URL")
            }
            guard let login = login ?? settings?.giteaLogin else { throw CLIError("no Gitea login: pass --config FILE or --login NAME") }
            let token: String
            do { token = try GateSettings.giteaToken(file: tokenFile ?? settings?.giteaTokenFile) } catch {
                throw CLIError("no Gitea token: \(error) (or pass --token-file)")
            }
            var logger = Logger(label: "operator-gate.gate") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = verbose ? .debug : .warning
            let ledgerSettings =
                ledger.map { LedgerSettings(backend: .sqlite(path: $0)) } ?? settings?.ledger
                ?? LedgerSettings(backend: .sqlite(path: "data/ledger.sqlite"))
            let timeout = self.timeout
            let gateLogger = logger
            return try await LedgerAccess.with(ledgerSettings, mustExist: false, migrate: true, logger: logger) { ledger in
                try await body(
                    GateExecutor(
                        ledger: ledger, forge: GiteaClient(baseURL: url, token: token, timeout: .seconds(timeout), logger: gateLogger),
                        botLogin: login, logger: gateLogger))
            }
        }
    }

    struct Exec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Execute the command JSON read on stdin; print the acknowledgement JSON. Exit 1 if it did not succeed.",
            discussion: #"COMMAND: {"source","action","repo","payload":{…},"origin"?:{"event_id","created_at"},"again"?} (see README)."#)
        @OptionGroup var options: Options
        @Option(name: .customLong("json"), help: "The command JSON (read from stdin when omitted).") var commandJSON: String?
        @Flag(help: "Reconcile entries left claimed by a crash before executing.") var recover = false

        func run() async throws {
            try await runAsyncTool {
                let commandJSON = self.commandJSON
                let recover = self.recover
                let ack = try await options.withExecutor { gate in
                    let command: Command
                    do {
                        command = try Command.parse(
                            commandJSON.map { Data($0.utf8) } ?? StandardIO.readAll(), receivedAt: Int64(Date().timeIntervalSince1970))
                    } catch {
                        throw CLIError(String(describing: error))
                    }
                    if recover { await gate.recover() }
                    return await gate.handle(command)
                }
                StandardIO.printLine(ack.json)
                if !ack.success { throw ExitCode(1) }
            }
        }
    }

    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe Gitea for every ledger entry left claimed; record what was done, execute what was not. One JSON line each.")
        @OptionGroup var options: Options

        func run() async throws {
            try await runAsyncTool {
                for ack in try await options.withExecutor({ await $0.recover() }) { StandardIO.printLine(ack.json) }
            }
        }
    }
}
