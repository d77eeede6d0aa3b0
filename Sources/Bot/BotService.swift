import Foundation
import Gate
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

    public init(pool: RelayPool, pipeline: InboxPipeline, gate: GateExecutor, store: InboxStore, bot: KeyPair,
                metrics: BotMetrics = BotMetrics(), logger: Logger,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                decodeWidth: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.decodeWidth = max(1, decodeWidth)
        self.pool = pool
        self.pipeline = pipeline
        self.gate = gate
        self.store = store
        self.bot = bot
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.publisher = ReplyPublisher(pool: pool, store: store, metrics: metrics, logger: logger)
    }

    public func run() async throws {
        let recovered = await gate.recover()
        if !recovered.isEmpty {
            logger.notice("reconciled commands left claimed by a crash", metadata: ["count": "\(recovered.count)"])
        }
        await publisher.enqueuePending()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pool.run() }
            group.addTask { await self.gate.maintainLedger() }
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
            await publisher.finish()
            await publishing
            group.cancelAll()
        }
        logger.notice("operator-gate stopped")
    }

    /// One inbound event, start to finish: the pipeline's decision, and the Gate's acknowledgement when it executed.
    @discardableResult
    public func handle(_ inbound: InboundEvent, at time: Int64? = nil) async -> (decision: InboxDecision, ack: Ack?) {
        await handle(inbound, prepared: pipeline.prepare(inbound.event), at: time)
    }

    /// ``handle(_:at:)`` for an event already prepared (``InboxPipeline/prepare(_:)``).
    @discardableResult
    public func handle(_ inbound: InboundEvent, prepared: PreparedEvent, at time: Int64? = nil) async -> (decision: InboxDecision, ack: Ack?) {
        metrics.event(relay: inbound.relay, kind: inbound.event.kind)
        let decision = await pipeline.admit(prepared, now: time ?? now())
        metrics.decision(decision)
        switch decision {
        case .drop:
            return (decision, nil)
        case .answer(let message, _, let text, _), .answerStranger(let message, let text):
            await reply(text, to: message)
            return (decision, nil)
        case .execute(let message, let op, let command):
            let started = ContinuousClock.now
            let ack = await gate.handle(command)
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
    private func reply(_ text: String, to message: DirectMessage) async {
        let time = now()
        let events: [Event]
        do { events = try ReplyBuilder.events(text, answering: message, bot: bot, keys: pipeline.decoder.keys, now: time) } catch {
            logger.error("cannot build a reply", metadata: ["message": "\(message.id)", "error": "\(error)"])
            return
        }
        var cursor = InboxCursor()
        cursor.advance(scheme: message.scheme, messageTime: message.createdAt, now: time)
        do {
            try store.markProcessed(ids: Array(Set([message.carrierID, message.id])), messageTime: message.createdAt, cursor: cursor,
                                    now: time, reply: (message.id, events))
        } catch {
            // Not recorded: the message comes back after a restart and the Gate answers it from the ledger.
            logger.error("cannot record a processed message and its reply", metadata: ["message": "\(message.id)", "error": "\(error)"])
            return
        }
        await publisher.enqueue(messageID: message.id, events: events)
    }

    /// Healthy while at least one relay is connected and the ledger is writable; the reason otherwise.
    public func health(ledgerWritable: () -> Bool) async -> (healthy: Bool, detail: String) {
        let states = await pool.status()
        metrics.relayStates(states.map { ($0.url, $0.state.rawValue) })
        let connected = states.filter { $0.state == .connected }.map(\.url)
        guard !connected.isEmpty else { return (false, "no relay connected") }
        guard ledgerWritable() else { return (false, "the ledger is not writable") }
        return (true, "ok: \(connected.count)/\(states.count) relays connected")
    }
}
