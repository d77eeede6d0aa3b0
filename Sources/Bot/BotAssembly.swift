import Foundation
import Gate
import GatePostgres
import Logging
import NostrCore
import NostrIngress
import PostgresNIO
import ServiceLifecycle

/// Builds a ``BotService`` from a checked configuration: the pieces `operator-gate run`, `demo` and the tests share.
///
/// Files in the data directory: `ledger.sqlite` (the Gate's ledger, unless `ledger` names another file or a
/// PostgreSQL database) and `inbox.sqlite` (seen events, resume cursors, stored replies; with a shared ledger the
/// database also decides which instance answers which message).
public struct BotAssembly: Sendable {
    public let service: BotService
    public let ledger: any Ledger
    /// The shared ledger, when `ledger` is a postgres:// URL: its client must run in the service group, before the
    /// bot (``services``).
    public let postgres: PostgresLedger?

    /// What a `ServiceGroup` runs, in order: the PostgreSQL client first (so a graceful shutdown, which goes in
    /// reverse order, stops it after the bot finished its last command), then the bot.
    public var services: [any Service] {
        (postgres.map { [$0.client as any Service] } ?? []) + [service]
    }

    /// - Parameters:
    ///   - relays: the relay list (from `relays_file`).
    ///   - giteaTimeout: per-request timeout for Gitea calls.
    public init(configuration: BotConfiguration, secretKey: SecretKey, relays: RelayList, giteaToken: String,
                giteaTimeout: TimeInterval = 15, capture: FrameCapture? = nil, metrics: BotMetrics = BotMetrics(),
                logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws {
        let data = URL(fileURLWithPath: configuration.dataDirectory)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        switch configuration.ledger.backend {
        case .sqlite(let path):
            ledger = try SQLiteLedger(path: path, lease: configuration.ledger.leaseSeconds)
            postgres = nil
        case .postgres(let url):
            let shared = try configuration.ledger.postgresLedger(url: url, logger: logger)
            ledger = shared
            postgres = shared
        }
        let store = try InboxStore(path: data.appendingPathComponent("inbox.sqlite").path)
        let keys = ConversationKeyCache(secretKey: secretKey)
        let pipeline = try InboxPipeline(decoder: DirectMessageDecoder(keys: keys), store: store,
                                         senders: .operators(configuration.operators, replyToStrangers: configuration.replyToStrangers),
                                         limits: configuration.limits, now: now(), logger: logger)
        let gate = GateExecutor(ledger: ledger, forge: GiteaClient(baseURL: configuration.giteaURL, token: giteaToken, timeout: giteaTimeout, logger: logger),
                                botLogin: configuration.giteaLogin, logger: logger)
        let bot = KeyPair(secretKey: secretKey)
        var connection = RelayConnectionConfiguration()
        // Strangers' kind-4 DMs are dropped before they are even decoded.
        connection.prescreen = { summary in
            let accepted = pipeline.accepts(summary)
            if !accepted { metrics.prescreened() }
            return accepted
        }
        let sharedInbox = postgres.map(PostgresInbox.init(ledger:))
        let pool = RelayPool(relays: relays, keyPair: bot, configuration: connection, capture: capture, logger: logger) {
            // With a shared inbox, resume from wherever any instance got to.
            var shared: InboxCursor?
            if let cursors = try? await sharedInbox?.cursors() { shared = InboxCursor(nip04: cursors["nip04"], nip17: cursors["nip17"]) }
            return pipeline.subscriptions(now: now(), shared: shared)
        }
        service = BotService(pool: pool, pipeline: pipeline, gate: gate, store: store, bot: bot, metrics: metrics, logger: logger, now: now,
                             postgres: postgres, sharedInbox: sharedInbox)
    }
}
