import Foundation
import Gate
import GatePostgres
import Logging
import NostrCore
import NostrIngress
import ServiceLifecycle

/// The running bot: relay pool → inbox pipeline → Gate → stored, signed reply → publisher.
///
/// On start it first reconciles ledger entries a crash left `claimed` (probing Gitea), then re-publishes stored
/// replies that were not confirmed. Commands run one at a time, in arrival order (an operator's "close" then
/// "reopen" must not swap). On graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`) intake stops, the
/// command in flight finishes, queued replies are published, and `run()` returns; the group's shutdown timeout
/// bounds all of it.
///
/// With a shared inbox (several instances on one PostgreSQL database, ``PostgresInbox``), a message that reaches
/// an answer or an execution is first claimed there: the instance that wins answers it, the others stay silent.
/// The winner's claim is renewed while it works; a sweeper takes over messages whose instance stopped answering
/// and publishes replies another instance stored but did not publish.
public final class BotService: Service, Sendable {
    public let pool: RelayPool
    public let pipeline: InboxPipeline
    public let gate: GateExecutor
    public let store: InboxStore
    public let publisher: ReplyPublisher
    private let bot: KeyPair
    private let metrics: BotMetrics
    private let logger: Logger
    private let now: @Sendable () -> Int64
    /// How many inbound events are verified and decrypted at once (the number of cores by default).
    private let decodeWidth: Int
    /// The shared ledger's database, when instances share one (its inbox tables are migrated at start).
    private let postgres: PostgresLedger?
    /// Who answers which message, when instances share a database.
    public let shared: PostgresInbox?

    /// - Parameters:
    ///   - postgres: the shared ledger's database, when instances share one (its tables are migrated at start).
    ///   - sharedInbox: the shared inbox on that database, built once by ``BotAssembly`` (made from `postgres` if nil).
    public init(pool: RelayPool, pipeline: InboxPipeline, gate: GateExecutor, store: InboxStore, bot: KeyPair,
                metrics: BotMetrics = BotMetrics(), logger: Logger,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                decodeWidth: Int = ProcessInfo.processInfo.activeProcessorCount, postgres: PostgresLedger? = nil,
                sharedInbox: PostgresInbox? = nil) {
        self.decodeWidth = max(1, decodeWidth)
        self.postgres = postgres
        self.shared = sharedInbox ?? postgres.map(PostgresInbox.init(ledger:))
        self.pool = pool
        self.pipeline = pipeline
        self.gate = gate
        self.store = store
        self.bot = bot
        self.metrics = metrics
        self.logger = logger
        self.now = now
        let shared = self.shared
        self.publisher = ReplyPublisher(pool: pool, store: store, metrics: metrics, logger: logger) { messageID in
            do { try await shared?.markPublished(messageID: messageID) } catch {
                logger.warning("cannot record a published reply in the shared inbox", metadata: ["message": "\(messageID)", "error": "\(error)"])
            }
        }
    }

    public func run() async throws {
        if let postgres { try await migrate(postgres) }
        let recovered = await gate.recover()
        if !recovered.isEmpty {
            logger.notice("reconciled commands left claimed by a crash", metadata: ["count": "\(recovered.count)"])
        }
        await publisher.enqueuePending()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pool.run() }
            group.addTask { await self.gate.maintainLedger() }
            group.addTask { await self.maintainInbox() }
            // Commands whose process died or whose outcome stayed unknown are finished without a restart.
            group.addTask { await self.gate.reconcileClaims() }
            if let shared {
                group.addTask {
                    // Messages whose instance stopped answering, and replies it stored but did not publish.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(max(1, shared.lease / 3)))
                        if Task.isCancelled { break }
                        await self.sweep(shared)
                    }
                }
            }
            group.addTask {
                // Replies no relay accepted are retried every 15 s.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(15))
                    await self.publisher.enqueuePending()
                }
            }
            async let publishing: Void = publisher.run(now: now)
            let connected = await pool.waitForConnections(timeout: .seconds(5))
            logger.notice("operator-gate running", metadata: ["bot": "\(bot.publicKey.npub)", "relays_connected": "\(connected)"])
            // Verify and decrypt on every core; admit and execute one at a time, in arrival order.
            let pipeline = self.pipeline
            let stage = OrderedParallelMap(width: decodeWidth) { (inbound: InboundEvent) in (inbound, pipeline.prepare(inbound.event)) }
            await stage.run(pool.events.cancelOnGracefulShutdown()) { inbound, prepared in
                await handle(inbound, prepared: prepared)
                // Shutting down: what was prepared but not admitted comes back from the relays after a restart.
                return !Task.isShuttingDownGracefully
            }
            logger.notice("intake stopped; publishing queued replies")
            do { try store.flushSeen() } catch { logger.warning("cannot record dropped events as seen", metadata: ["error": "\(error)"]) }
            await publisher.finish()
            await publishing
            group.cancelAll()
        }
        logger.notice("operator-gate stopped")
    }

    /// Keeps `inbox.sqlite` bounded while the bot runs: every 30 s the seen ids of dropped events are written in
    /// one batch; at start and every hour, seen ids older than the age window plus two days (no subscription asks
    /// for them any more) and replies published more than a day ago are deleted.
    func maintainInbox() async {
        // Gift wraps are backdated up to two days: their subscriptions still reach that far behind the age window.
        let horizon = pipeline.limits.maxDMAge + InboxCursor.giftWrapBackdating
        var lastPrune: ContinuousClock.Instant?
        while !Task.isCancelled {
            do {
                if lastPrune.map({ ContinuousClock.now - $0 >= .seconds(3600) }) ?? true {
                    let time = now()
                    let removed = try store.maintain(seenBefore: time - horizon, publishedBefore: time - 86_400)
                    lastPrune = .now
                    if removed.seen + removed.replies > 0 {
                        logger.info("inbox pruned", metadata: ["seen_ids": "\(removed.seen)", "published_replies": "\(removed.replies)"])
                    }
                } else {
                    try store.flushSeen()
                }
            } catch {
                logger.warning("inbox maintenance failed; retrying in 30 s", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(30))
        }
    }

    /// One inbound event, start to finish: the pipeline's decision, and the Gate's acknowledgement when it executed.
    @discardableResult
    public func handle(_ inbound: InboundEvent, at time: Int64? = nil) async -> (decision: InboxDecision, ack: Ack?) {
        await handle(inbound, prepared: pipeline.prepare(inbound.event), at: time)
    }

    /// ``handle(_:at:)`` for an event already prepared (``InboxPipeline/prepare(_:)``).
    /// - Parameter resuming: a message taken over from another instance (already claimed in the shared inbox).
    @discardableResult
    public func handle(_ inbound: InboundEvent, prepared: PreparedEvent, at time: Int64? = nil,
                       resuming: Bool = false) async -> (decision: InboxDecision, ack: Ack?) {
        metrics.event(relay: inbound.relay, kind: inbound.event.kind)
        var decision = await pipeline.admit(prepared, now: time ?? now(), resuming: resuming)
        if let shared, !resuming, let message = decision.message {
            decision = await claim(message, carrier: inbound.event, in: shared, decision: decision)
        }
        metrics.decision(decision)
        switch decision {
        case .drop, .deliver:
            // `deliver` comes only from `dm listen`'s policy (anyone), never from the bot's.
            return (decision, nil)
        case .answer(let message, _, let text, _), .answerStranger(let message, let text):
            await reply(text, to: message)
            return (decision, nil)
        case .execute(let message, let op, let command):
            let started = ContinuousClock.now
            let ack = await holdingClaim(on: message) { await self.gate.handle(command, visibleRepositories: { op.covers($0) }) }
            StopPoint.reached(.ledgerCompleted)
            if !ack.success && Task.isCancelled {
                // Cut off by the end of the shutdown timeout: the outcome is not known yet. Not answered and not
                // marked processed, so the message comes back after the restart, which first reconciles the claim;
                // the operator then gets the real outcome instead of "unknown".
                logger.notice("shutdown cut a command off; it is answered after the restart", metadata: ["key": "\(ack.key.prefix(12))"])
                return (decision, ack)
            }
            let elapsed = ContinuousClock.now - started
            metrics.command(action: command.action.rawValue, outcome: !ack.success ? "failed" : ack.priorExecution ? "prior" : "executed",
                            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            logger.info("command answered", metadata: ["operator": "\(op.name)", "action": "\(command.action.rawValue)",
                                                       "repo": "\(command.repository)", "success": "\(ack.success)",
                                                       "prior": "\(ack.priorExecution)", "key": "\(ack.key.prefix(12))"])
            await reply(ack.sentence, to: message)
            return (decision, ack)
        }
    }

    /// Builds and signs the reply, stores it with the message's processed mark (one transaction), then queues it.
    /// With a shared inbox the reply is first stored there, which only the instance still holding the message's
    /// claim can do: an instance that lost it (stalled past its lease) sends nothing.
    private func reply(_ text: String, to message: DirectMessage) async {
        let time = now()
        let events: [Event]
        do { events = try ReplyBuilder.events(text, answering: message, bot: bot, keys: pipeline.decoder.keys, now: time) } catch {
            logger.error("cannot build a reply", metadata: ["message": "\(message.id)", "error": "\(error)"])
            return
        }
        if let shared {
            do {
                guard try await shared.complete(messageID: message.id, reply: events.map(\.jsonString), now: time) else {
                    logger.notice("another instance took this message over and answers it; this reply is not sent", metadata: ["message": "\(message.id)"])
                    try? store.markSeen(ids: Array(Set([message.carrierID, message.id])), messageTime: message.createdAt, now: time)
                    return
                }
                try await shared.advanceCursor(scheme: message.scheme.rawValue, messageTime: min(message.createdAt, time))
            } catch {
                // Not stored: the claim's lease runs out and another instance (or this one, later) answers from the ledger.
                logger.error("cannot store a reply in the shared inbox", metadata: ["message": "\(message.id)", "error": "\(error)"])
                return
            }
        }
        do {
            try store.markProcessed(message, now: time, reply: events)
        } catch {
            // Not recorded: the message comes back after a restart and the Gate answers it from the ledger.
            logger.error("cannot record a processed message and its reply", metadata: ["message": "\(message.id)", "error": "\(error)"])
            return
        }
        StopPoint.reached(.replyStored)
        await publisher.enqueue(messageID: message.id, events: events)
    }

    // MARK: - Shared inbox

    /// Claims `message` in the shared inbox: the decision stands when this instance won, else it becomes a drop.
    private func claim(_ message: DirectMessage, carrier: Event, in shared: PostgresInbox, decision: InboxDecision) async -> InboxDecision {
        let time = now()
        let outcome: PostgresInbox.Claim
        do { outcome = try await shared.claim(messageID: message.id, carrierID: carrier.id, event: carrier.jsonString, now: time) } catch {
            // Unclaimed and unrecorded: the relays deliver it again after a reconnect, or another instance takes it.
            logger.error("cannot claim a message in the shared inbox; not answering it now", metadata: ["message": "\(message.id)", "error": "\(error)"])
            return .drop(reason: .sharedInboxUnavailable, detail: "\(error)", message: message)
        }
        switch outcome {
        case .won:
            return decision
        case .handledElsewhere, .busyElsewhere:
            try? store.markSeen(ids: Array(Set([carrier.id, message.id])), messageTime: message.createdAt, now: time)
            logger.debug("message answered by another instance", metadata: ["message": "\(message.id)", "claim": "\(outcome)"])
            return .drop(reason: .handledElsewhere, detail: "\(outcome)", message: message)
        }
    }

    /// Runs `body` while renewing this instance's claim on `message` in the shared inbox (if there is one).
    private func holdingClaim(on message: DirectMessage, _ body: @escaping @Sendable () async -> Ack) async -> Ack {
        guard let shared else { return await body() }
        return await LeaseRenewal.run(every: .seconds(max(1, shared.lease / 3)),
                                      renew: { try await shared.renew(messageID: message.id, now: self.now()) }, body)
    }

    /// Takes over messages whose instance stopped answering (their lease expired) and runs them again from the
    /// stored event; queues replies stored by an instance that did not get to publish them.
    func sweep(_ shared: PostgresInbox) async {
        let time = now()
        do {
            for (messageID, json) in try await shared.takeOverExpired(now: time) {
                guard let event = try? Event.parse(json) else {
                    logger.error("a stored message does not parse; skipped", metadata: ["message": "\(messageID)"])
                    continue
                }
                logger.notice("answering a message another instance stopped answering", metadata: ["message": "\(messageID)"])
                let inbound = InboundEvent(relay: "shared-inbox", subscriptionID: "", event: event, receivedAt: Date())
                await handle(inbound, prepared: pipeline.prepare(event, resuming: true), at: time, resuming: true)
            }
            for (messageID, replies) in try await shared.unpublishedReplies(completedBefore: time - 2 * shared.lease) {
                let events = replies.compactMap { try? Event.parse($0) }
                guard !events.isEmpty else { continue }
                await publisher.enqueue(messageID: messageID, events: events)
            }
        } catch {
            logger.warning("shared inbox sweep failed", metadata: ["error": "\(error)"])
        }
    }

    /// Creates or upgrades the shared tables, retrying for up to 30 s while the database comes up.
    private func migrate(_ postgres: PostgresLedger) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await postgres.migrate()
                logger.notice("shared ledger ready", metadata: ["instance": "\(postgres.instance)"])
                return
            } catch let refused as PostgresLedgerError {
                // Wrong settings (TLS, password, user, database): retrying does not help.
                throw refused
            } catch {
                guard ContinuousClock.now < deadline, !Task.isCancelled else { throw error }
                logger.warning("shared ledger not reachable yet; retrying", metadata: ["error": "\(String(reflecting: error))"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Healthy while at least one relay is connected and the ledger is writable; the reason otherwise.
    public func health(ledgerWritable: () async -> Bool) async -> (healthy: Bool, detail: String) {
        let states = await pool.status()
        metrics.relayStates(states.map { ($0.url, $0.state.rawValue) })
        let connected = states.filter { $0.state == .connected }.map(\.url)
        guard !connected.isEmpty else { return (false, "no relay connected") }
        guard await ledgerWritable() else { return (false, "the ledger is not writable") }
        return (true, "ok: \(connected.count)/\(states.count) relays connected")
    }
}
