import ArgumentParser
import Bot
import CLISupport
import Foundation
import Gate
import Hummingbird
import Logging
import Metrics
import NostrCore
import NostrIngress
import Prometheus
import ServiceLifecycle

/// `operator-gate run`: the bot.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bot: answer operators' DMs by running their commands on Gitea, exactly once.",
        discussion: "SIGTERM or SIGINT stops intake, finishes the command in flight, publishes queued replies and exits 0.")

    @OptionGroup var configFile: ConfigFileOption
    var config: String { configFile.path }
    @Option(help: "Log format: text or json (one object per line). Logs go to stderr.") var logFormat = "text"
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "Serve Prometheus metrics on /metrics and a health check on /healthz at HOST:PORT (e.g. 127.0.0.1:9477).")
    var metrics: String?
    @Option(help: "Seconds allowed for a graceful shutdown before in-flight work is cancelled.") var shutdownTimeout = 10.0
    @Option(help: "Record every inbound relay frame to this JSON-lines file (for `replay`).") var capture: String?

    func run() async throws {
        try await runAsyncTool {
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw CLIError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            guard ["text", "json"].contains(logFormat) else { throw CLIError("--log-format must be text or json") }
            let json = logFormat == "json"
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "operator-gate")
            let loaded = try BotRuntimeInputs.load(config: config)
            let registry = PrometheusCollectorRegistry()
            if metrics != nil {
                var factory = PrometheusMetricsFactory(registry: registry)
                factory.defaultDurationHistogramBuckets = StageTimer.histogramBuckets
                MetricsSystem.bootstrap(factory)
            }
            StageTimer.makeTimers(for: GateStage.self)
            StageTimer.makeTimers(for: CommandStage.self)
            let frameCapture = try capture.map { path in
                do { return try FrameCapture(path: path) } catch { throw CLIError("--capture: cannot open \(path): \(error)") }
            }
            let assembly: BotAssembly
            do {
                assembly = try BotAssembly(
                    configuration: loaded.configuration, secretKey: loaded.secretKey, relays: loaded.relays,
                    giteaToken: loaded.giteaToken, capture: frameCapture, logger: logger)
            } catch let error as BotConfigurationError {
                throw CLIError("\(config): \(error)")
            } catch { throw CLIError("cannot open the data directory \(loaded.configuration.dataDirectory) or the ledger: \(error)") }
            var services = assembly.serviceConfigurations
            if let webhook = try WebhookEndpoint.service(assembly, configuration: loaded.configuration, logger: logger) { services.append(webhook) }
            if let metrics {
                services.append(
                    .init(service: try MetricsEndpoint.application(address: metrics, registry: registry, health: assembly.health, logger: logger)))
            }
            var groupConfiguration = ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            groupConfiguration.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownTimeout * 1000))
            groupConfiguration.maximumCancellationDuration = .seconds(2)
            do { try await ServiceGroup(configuration: groupConfiguration).run() } catch {
                logger.error("stopped with an error", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }
    }
}
