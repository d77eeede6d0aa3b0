import Foundation
import Gate
import Logging
import NostrCore
import NostrIngress

/// Builds a ``BotService`` from a checked configuration: the pieces `operator-gate run`, `demo` and the tests share.
///
/// Files in the data directory: `ledger.sqlite` (the Gate's ledger) and `inbox.sqlite` (seen events, resume
/// cursors, stored replies).
public struct BotAssembly: Sendable {
    public let service: BotService
    public let ledger: SQLiteLedger

    /// - Parameters:
    ///   - relays: the relay list (from `relays_file`).
    ///   - giteaTimeout: per-request timeout for Gitea calls.
    public init(configuration: BotConfiguration, secretKey: SecretKey, relays: RelayList, giteaToken: String,
                giteaTimeout: TimeInterval = 15, capture: FrameCapture? = nil, metrics: BotMetrics = BotMetrics(),
                logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws {
        let data = URL(fileURLWithPath: configuration.dataDirectory)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        ledger = try SQLiteLedger(path: data.appendingPathComponent("ledger.sqlite").path)
        let store = try InboxStore(path: data.appendingPathComponent("inbox.sqlite").path)
        let keys = ConversationKeyCache(secretKey: secretKey)
        let pipeline = try InboxPipeline(decoder: DirectMessageDecoder(keys: keys), store: store, operators: configuration.operators,
                                         limits: configuration.limits, now: now(), replyToStrangers: configuration.replyToStrangers,
                                         logger: logger)
        let gate = GateExecutor(ledger: ledger, gitea: GiteaClient(baseURL: configuration.giteaURL, token: giteaToken, timeout: giteaTimeout, logger: logger),
                                botLogin: configuration.giteaLogin, logger: logger)
        let bot = KeyPair(secretKey: secretKey)
        var connection = RelayConnectionConfiguration()
        // Strangers' kind-4 DMs are dropped before they are even decoded.
        connection.prescreen = { summary in
            let accepted = pipeline.accepts(summary)
            if !accepted { metrics.prescreened() }
            return accepted
        }
        let pool = RelayPool(relays: relays, keyPair: bot, configuration: connection, capture: capture, logger: logger) {
            await pipeline.subscriptions(now: now())
        }
        service = BotService(pool: pool, pipeline: pipeline, gate: gate, store: store, bot: bot, metrics: metrics, logger: logger, now: now)
    }
}
