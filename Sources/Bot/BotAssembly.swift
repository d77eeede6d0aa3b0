import Foundation
import Gate
import GatePostgres
import Logging
import NostrCore
import NostrIngress
import PostgresNIO
import ServiceLifecycle

/// Builds the bot from a checked configuration, each piece once: the pieces `operator-gate run`, `demo`, `replay` and
/// the benchmarks share, and the services a `ServiceGroup` runs (``services``).
///
/// Files in the data directory: `ledger.sqlite` (the Gate's ledger, unless `ledger` names another file or a
/// PostgreSQL database) and `inbox.sqlite` (seen events, resume cursors, stored replies; with a shared ledger the
/// database also decides which instance answers which message).
public struct BotAssembly: Sendable {
    public let ledger: any Ledger
    /// The shared ledger, when `ledger` is a postgres:// URL: its client must run in the service group, before the
    /// bot (``services``).
    public let postgres: PostgresLedger?
    public let pool: RelayPool
    public let storage: any InboxStorage
    public let publisher: ReplyPublisher
    public let consumer: InboxConsumer
    public let health: BotHealth
    private let maintenance: LedgerMaintenance
    private let sweeper: SharedInboxSweeper?
    /// The operators' relay lists, kept fresh.
    public let directory: RelayListDirectory
    /// Publishes the bot's profile and relay lists at start, then ends.
    public let announcer: AnnouncementService
    /// Connections to relays outside `relays.json`, kept between answers.
    public let onDemand: OnDemandRelays
    /// Webhook deliveries → operators' DMs, when `webhook` is configured.
    public let notices: NoticeService?
    /// The inbox's database.
    public let store: InboxStore
    /// The webhook bridge's records: the inbox's database, or the shared PostgreSQL one.
    public let noticeStore: any NoticeStore

    /// What a `ServiceGroup` runs, in order. A graceful shutdown goes in reverse: the intake stops and finishes its
    /// command, the sweeper and maintenance stop, the publisher publishes what is queued, then the relay pool and
    /// the PostgreSQL client close.
    public var services: [any Service] {
        var services: [any Service] = postgres.map { [$0.client] } ?? []
        services += [RelayPoolService(pool: pool), onDemand, directory, publisher] as [any Service]
        if let notices { services.append(notices) }
        services.append(maintenance)
        if let sweeper { services.append(sweeper) }
        services.append(consumer)
        return services
    }

    /// ``services`` as a `ServiceGroup` takes them, plus the ``announcer``, whose end does not end the group.
    public var serviceConfigurations: [ServiceGroupConfiguration.ServiceConfiguration] {
        services.map { .init(service: $0) } + [.init(service: announcer, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore)]
    }

    /// - Parameters:
    ///   - relays: the relay list (from `relays_file`).
    ///   - giteaTimeout: per-request timeout for Gitea calls.
    public init(
        configuration: BotConfiguration, secretKey: SecretKey, relays: RelayList, giteaToken: String,
        giteaTimeout: TimeInterval = 15, capture: FrameCapture? = nil, metrics: BotMetrics = BotMetrics(),
        logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws {
        let data = URL(fileURLWithPath: configuration.dataDirectory)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let opened = try configuration.ledger.open(logger: logger)
        ledger = opened.ledger
        postgres = opened.postgres
        let store = try InboxStore(path: data.appendingPathComponent("inbox.sqlite").path)
        let keys = ConversationKeyCache(secretKey: secretKey)
        let pipeline = try Self.pipeline(configuration: configuration, keys: keys, store: store, now: now(), logger: logger)
        // The bot's own copies of answers stored before this start come back from relays too.
        pipeline.noteOwnEvents(try store.replyEventIDs())
        let gate = try Self.gate(configuration: configuration, ledger: ledger, giteaToken: giteaToken, giteaTimeout: giteaTimeout, logger: logger)
        let bot = KeyPair(secretKey: secretKey)
        let reachability = configuration.reachability
        var connection = RelayConnectionConfiguration()
        // Strangers' kind-4 DMs are dropped before they are even decoded.
        connection.prescreen = { summary in
            let accepted = pipeline.accepts(summary)
            if !accepted { metrics.prescreened() }
            return accepted
        }
        storage =
            postgres.map { SharedInboxStorage(local: store, shared: PostgresInbox(ledger: $0), logger: logger) } ?? LocalInboxStorage(local: store)
        let storage = self.storage
        pool = RelayPool(relays: try reachability.readingList(relays), keyPair: bot, configuration: connection, capture: capture, logger: logger) {
            // With a shared inbox, resume from wherever any instance got to.
            pipeline.subscriptions(now: now(), shared: await storage.sharedCursor())
        }
        let onDemand = OnDemandRelays(keyPair: bot, maximumConnections: reachability.onDemandConnections, logger: logger)
        self.onDemand = onDemand
        directory = RelayListDirectory(
            store: store, onDemand: onDemand, lookupRelays: relays.relays.map(\.url) + reachability.discoveryRelays,
            people: configuration.operators.filter { reachability.operatorRelays[$0.publicKey] == nil }.map(\.publicKey.hex), logger: logger,
            now: now)
        let router = ReplyRouter(
            directory: directory, reachability: reachability, operators: configuration.operators, bot: bot.publicKey, relays: relays)
        publisher = ReplyPublisher(pool: pool, storage: storage, metrics: metrics, logger: logger, now: now, routing: (router, onDemand))
        announcer = AnnouncementService(
            announcement: BotAnnouncement(reachability: reachability, relays: relays), keyPair: bot,
            relays: reachability.announcementRelays(relays),
            onDemand: onDemand, logger: logger, now: now)
        let noticeStore: any NoticeStore = postgres.map { PostgresNoticeStore(ledger: $0, local: store) } ?? store
        self.noticeStore = noticeStore
        let consumer = InboxConsumer(
            pool: pool, pipeline: pipeline, gate: gate, storage: storage, publisher: publisher,
            startup: BotStartup(postgres: postgres, gate: gate, publisher: publisher, logger: logger),
            bot: bot, metrics: metrics, logger: logger, now: now, notices: noticeStore, parallelCommands: configuration.limits.parallelCommands)
        self.consumer = consumer
        maintenance = LedgerMaintenance(gate: gate, store: store, maxDMAge: configuration.limits.maxDMAge, logger: logger, now: now)
        sweeper = storage.claimLease.map { SharedInboxSweeper(storage: storage, lease: $0, consumer: consumer, logger: logger, now: now) }
        health = BotHealth(pool: pool, ledger: ledger, metrics: metrics)
        self.store = store
        notices = Self.noticeService(
            configuration, store: noticeStore, bot: bot, keys: keys, publisher: publisher, pipeline: pipeline, logger: logger, now: now)
    }

    /// The notice service when `webhook` is configured, on the shared database with a PostgreSQL ledger.
    static func noticeService(
        _ configuration: BotConfiguration, store: any NoticeStore, bot: KeyPair, keys: ConversationKeyCache, publisher: ReplyPublisher,
        pipeline: InboxPipeline, logger: Logger, now: @escaping @Sendable () -> Int64
    ) -> NoticeService? {
        guard let settings = configuration.webhook else { return nil }
        return NoticeService(
            store: store, operators: configuration.operators, settings: settings, bot: bot, keys: keys, publisher: publisher,
            noteOwnEvents: { pipeline.noteOwnEvents($0) }, logger: logger, now: now)
    }

    /// The webhook endpoint's logic (verify, store, ring the notices), when `webhook` is configured.
    public func webhookIntake(secret: String, logger: Logger) -> WebhookIntake? {
        guard let notices else { return nil }
        return WebhookIntake(secret: secret, store: noticeStore, ring: { notices.ring() }, logger: logger)
    }

    /// Runs ``services`` in a `ServiceGroup` without signal handlers, until the task is cancelled (`demo`, the
    /// benchmarks; `run` adds the signals, the metrics endpoint and the shutdown timeout).
    public func run(logger: Logger) async throws {
        try await ServiceGroup(configuration: .init(services: serviceConfigurations, logger: logger)).run()
    }
}
