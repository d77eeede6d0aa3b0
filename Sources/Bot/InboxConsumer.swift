import Foundation
import Gate
import Logging
import NIOConcurrencyHelpers
import NostrCore
import NostrIngress
import ServiceLifecycle

/// The bot's intake, one service of its `ServiceGroup`: relay events → inbox pipeline → Gate → stored, signed reply
/// → ``ReplyPublisher``.
///
/// On start it first runs the ``BotStartup`` steps (migrate a shared database, reconcile ledger entries a crash
/// left `claimed`, queue stored replies). Events are verified and decrypted on every core and admitted one at a
/// time, in arrival order. Admitted commands run in parallel when their targets differ (``ParallelCommands``, up to
/// `limits.parallel_commands`); on one issue, pull request or repository they keep arrival order (an operator's
/// "close" then "reopen" must not swap). On graceful shutdown intake stops and the commands already admitted
/// finish and are answered; the service group's shutdown timeout bounds it.
///
/// A message that reaches an answer or an execution is first claimed in the ``InboxStorage``: with several
/// instances only the one that wins answers it, and its claim is renewed while the command runs.
public final class InboxConsumer: Service, Sendable {
    public let pipeline: InboxPipeline
    public let gate: GateExecutor
    public let storage: any InboxStorage
    /// Subscriptions and operators' schemes (the webhook bridge's records).
    public let notices: any NoticeStore
    private let pool: RelayPool
    private let publisher: ReplyPublisher
    private let startup: BotStartup
    private let bot: KeyPair
    private let metrics: BotMetrics
    private let logger: Logger
    private let now: @Sendable () -> Int64
    /// How many inbound events are verified and decrypted at once (the number of cores by default).
    private let decodeWidth: Int
    /// How many commands run at once at most (on different targets).
    private let parallelCommands: Int
    /// The scheme each operator last wrote in, as recorded (``noteScheme(_:of:)``).
    private let schemes = NIOLockedValueBox<[String: DirectMessage.Scheme]>([:])

    public init(
        pool: RelayPool, pipeline: InboxPipeline, gate: GateExecutor, storage: any InboxStorage, publisher: ReplyPublisher,
        startup: BotStartup, bot: KeyPair, metrics: BotMetrics, logger: Logger, now: @escaping @Sendable () -> Int64,
        notices: (any NoticeStore)? = nil,
        decodeWidth: Int = ProcessInfo.processInfo.activeProcessorCount, parallelCommands: Int = 16
    ) {
        self.pool = pool
        self.pipeline = pipeline
        self.gate = gate
        self.storage = storage
        self.notices = notices ?? storage.local
        self.publisher = publisher
        self.startup = startup
        self.bot = bot
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.decodeWidth = max(1, decodeWidth)
        self.parallelCommands = max(1, parallelCommands)
    }

    public func run() async throws {
        try await startup.run()
        let connected = await pool.waitForConnections(timeout: .seconds(5))
        logger.notice("operator-gate running", metadata: ["bot": "\(bot.publicKey.npub)", "relays_connected": "\(connected)"])
        // Verify and decrypt on every core; admit one at a time, in arrival order; execute by target.
        let pipeline = self.pipeline
        let stage = OrderedParallelMap(width: decodeWidth) { (inbound: InboundEvent) in
            let waited = max(0, Date().timeIntervalSince(inbound.receivedAt))
            let started = ContinuousClock.now
            let prepared = pipeline.prepare(inbound.event)
            if prepared.message != nil {
                // Timed for messages only: strangers' events and the bot's own copies end before any cryptography.
                StageTimer.record(CommandStage.intake, .seconds(waited))
                StageTimer.record(CommandStage.prepare, since: started)
            }
            return (inbound, prepared)
        }
        let events = pool.events
        await ParallelCommands.run(
            width: parallelCommands, capacity: parallelCommands * 4,
            intake: { (commands: inout ParallelCommands.Intake<AdmittedCommand>) in
                await stage.run(events.cancelOnGracefulShutdown()) { inbound, prepared in
                    metrics.event(relay: inbound.relay, kind: inbound.event.kind)
                    let started = ContinuousClock.now
                    let decision = await decide(prepared, at: now(), resuming: false)
                    if case .execute(let message, let op, let command) = decision {
                        let admitted = ContinuousClock.now
                        StageTimer.record(CommandStage.admit, admitted - started)
                        guard await commands.submit((message, op, command, admitted), on: CommandTarget(command)) else { return false }
                    } else {
                        await answer(decision)
                    }
                    // Shutting down: what was prepared but not admitted comes back from the relays after a restart.
                    return !Task.isShuttingDownGracefully
                }
            },
            execute: { [self] admitted, releaseTarget in
                StageTimer.record(CommandStage.queue, since: admitted.at)
                await execute(admitted.command, for: admitted.message, by: admitted.op, releasingTarget: releaseTarget)
            })
        logger.notice("intake stopped; publishing queued replies")
        do { try storage.local.flushSeen() } catch { logger.warning("cannot record dropped events as seen", metadata: ["error": "\(error)"]) }
    }

    /// One inbound event, start to finish: the pipeline's decision, and the Gate's acknowledgement when it executed.
    @discardableResult
    public func handle(_ inbound: InboundEvent, at time: Int64? = nil) async -> (decision: InboxDecision, ack: Ack?) {
        metrics.event(relay: inbound.relay, kind: inbound.event.kind)
        return await process(pipeline.prepare(inbound.event), at: time ?? now(), resuming: false)
    }

    /// A message another instance claimed and stopped answering, taken over from the shared inbox
    /// (``SharedInboxSweeper``): admitted again without the seen, age and rate checks, and answered.
    @discardableResult
    public func resume(_ carrier: Event, at time: Int64) async -> (decision: InboxDecision, ack: Ack?) {
        await process(pipeline.prepare(carrier, resuming: true), at: time, resuming: true)
    }

    private func process(_ prepared: PreparedEvent, at time: Int64, resuming: Bool) async -> (decision: InboxDecision, ack: Ack?) {
        let decision = await decide(prepared, at: time, resuming: resuming)
        guard case .execute(let message, let op, let command) = decision else {
            await answer(decision)
            return (decision, nil)
        }
        return (decision, await execute(command, for: message, by: op))
    }

    /// The pipeline's decision on an event, claimed for this instance (unless resumed) and counted.
    private func decide(_ prepared: PreparedEvent, at time: Int64, resuming: Bool) async -> InboxDecision {
        var decision = await pipeline.admit(prepared, now: time, resuming: resuming)
        if !resuming, let message = decision.message {
            decision = await claim(message, carrier: prepared.event, decision: decision)
        }
        metrics.decision(decision)
        return decision
    }

    /// Carries out a decision that executes nothing: answers what gets an answer.
    private func answer(_ decision: InboxDecision) async {
        switch decision {
        case .drop, .deliver, .execute:
            // `deliver` comes only from `dm listen`'s policy (anyone), never from the bot's.
            return
        case .answer(let message, _, let text, _), .answerStranger(let message, let text):
            await reply(text, to: message)
        }
    }

    /// An admitted command, as ``ParallelCommands`` carries it to ``execute(_:for:by:)``.
    typealias AdmittedCommand = (message: DirectMessage, op: Operator, command: Command, at: ContinuousClock.Instant)

    /// Runs an admitted command through the Gate (holding the message's claim) and answers with its acknowledgement.
    ///
    /// Once the outcome on Gitea is known, the answer is built before or while the ledger records the outcome
    /// (``runGate(_:for:by:started:releasingTarget:)``); it is stored only after the Gate returned, and only if the
    /// Gate's acknowledgement says what it was built from, so the order of the records is unchanged: ledger, then
    /// processed mark with the answer.
    /// - Parameter releasingTarget: called once the command's outcome on Gitea is settled (before its ledger entry
    ///   commits) or the Gate is done, so that the next command on the same target runs while this one completes and
    ///   its answer is built and stored (a target's order is the order of its writes on Gitea; answers carry their
    ///   own text, and clients order them by their second anyway).
    @discardableResult
    private func execute(
        _ command: Command, for message: DirectMessage, by op: Operator, releasingTarget: ParallelCommands.LaneRelease? = nil
    ) async -> Ack {
        let started = ContinuousClock.now
        let command = op.stamp(command)
        await noteScheme(message, of: op)
        let (ack, early, waited) = await runGate(command, for: message, by: op, started: started, releasingTarget: releasingTarget)
        if !ack.success && Task.isCancelled {
            // Cut off by the end of the shutdown timeout: the outcome is not known yet. Not answered and not
            // marked processed, so the message comes back after the restart, which first reconciles the claim;
            // the operator then gets the real outcome instead of "unknown".
            logger.notice("shutdown cut a command off; it is answered after the restart", metadata: ["key": "\(ack.key.prefix(12))"])
            return ack
        }
        let elapsed = ContinuousClock.now - started
        metrics.command(
            action: command.action.rawValue, outcome: !ack.success ? "failed" : ack.priorExecution ? "prior" : "executed",
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        logger.info(
            "command answered",
            metadata: [
                "operator": "\(op.name)", "action": "\(command.action.rawValue)",
                "repo": "\(command.repository)", "success": "\(ack.success)",
                "prior": "\(ack.priorExecution)", "key": "\(ack.key.prefix(12))"
            ])
        switch early {
        case .built(let answer): await reply(ack.sentence, to: message, prebuilt: (answer, waited))
        case .unused(let wrapKeys): await reply(ack.sentence, to: message, wrapKeys: wrapKeys)
        }
        return ack
    }

    /// The Gate's acknowledgement of `command` (recorded as the `gate` stage from `started`), the answer built from
    /// the outcome it reported (``Prebuild``), and how long the answer's way waited for that build after the Gate
    /// returned.
    ///
    /// A NIP-04 answer (one encryption, one signature) costs less than waking a task to build it: it is built where
    /// the Gate reports the outcome, before the ledger records it. A NIP-17 answer (two gift wraps) is built on a
    /// child task while the ledger records (``prebuild(from:answering:)``).
    private func runGate(
        _ command: Command, for message: DirectMessage, by op: Operator, started: ContinuousClock.Instant,
        releasingTarget: ParallelCommands.LaneRelease?
    ) async -> (Ack, Prebuild, Duration) {
        let call: (@escaping @Sendable (Ack) -> Void) async -> Ack = { writeSettled in
            await self.holdingClaim(on: message) {
                if command.action == .watch { return await SubscriptionCommand.run(command, by: op, store: self.notices) }
                return await self.gate.handle(
                    command, visibleRepositories: { op.covers($0) }, confirmFirst: op.confirm.contains(command.action),
                    writeSettled: writeSettled)
            }
        }
        func returned() {
            StageTimer.record(CommandStage.gate, since: started)
            releasingTarget?()
            StopPoint.reached(.ledgerCompleted)
        }
        guard message.scheme == .nip17 else {
            let built = NIOLockedValueBox<Prebuilt?>(nil)
            let ack = await call { ack in
                releasingTarget?()
                let time = self.now()
                let events = [
                    ReplyBuilder.nip04(
                        ack.sentence, to: message.sender, replyTo: message.id, bot: self.bot, keys: self.pipeline.decoder.keys, now: time)
                ]
                built.withLockedValue { $0 = Prebuilt(text: ack.sentence, events: events, time: time) }
            }
            returned()
            return (ack, built.withLockedValue { $0 }.map(Prebuild.built) ?? .unused(nil), .zero)
        }
        let (outcomes, outcome) = AsyncStream.makeStream(of: Ack.self, bufferingPolicy: .bufferingNewest(1))
        async let prebuilt = prebuild(from: outcomes, answering: message)
        let ack = await call { ack in
            releasingTarget?()
            outcome.yield(ack)
            outcome.finish()
        }
        outcome.finish()
        returned()
        let waitStarted = ContinuousClock.now
        let early = await prebuilt
        return (ack, early, ContinuousClock.now - waitStarted)
    }

    /// An answer built while the ledger recorded the outcome it reports.
    struct Prebuilt: Sendable {
        /// The text it says (the acknowledgement's sentence it was built from).
        let text: String
        let events: [Event]
        /// Its events' time.
        let time: Int64
    }

    /// What ``prebuild(from:answering:)`` has for the answer's way after the Gate returned.
    enum Prebuild: Sendable {
        /// The answer, built from the outcome the Gate reported.
        case built(Prebuilt)
        /// No outcome was reported (or the build failed): the NIP-17 wrap keys made ahead, if they are still unused.
        case unused(ReplyBuilder.WrapKeys?)
    }

    /// Builds the NIP-17 answer to `message` from the first outcome the Gate reports (``GateExecutor/handle(_:visibleRepositories:confirmFirst:writeSettled:)``'s
    /// `writeSettled`), on the caller's child task. Unused when the Gate reports none (reads, answers from the
    /// ledger) or the build fails: the answer is then built, and its failure logged, after the Gate returned.
    ///
    /// A NIP-17 answer's one-time wrap keys (``ReplyBuilder/WrapKeys``: two key generations and two ECDHs, about
    /// half of its build) are made first, while the command is claimed and runs on Gitea, when the cores are idle.
    private func prebuild(from outcomes: AsyncStream<Ack>, answering message: DirectMessage) async -> Prebuild {
        let keys = pipeline.decoder.keys
        let wrapKeys = ReplyBuilder.WrapKeys(recipient: message.sender, bot: bot, keys: keys)
        var iterator = outcomes.makeAsyncIterator()
        guard let ack = await iterator.next() else { return .unused(wrapKeys) }
        let text = ack.sentence
        let time = now()
        // A failed build may have used the wrap keys: the build after the Gate makes its own.
        guard let events = try? await ReplyBuilder.events(text, answering: message, bot: bot, keys: keys, now: time, wrapKeys: wrapKeys) else {
            return .unused(nil)
        }
        return .built(Prebuilt(text: text, events: events, time: time))
    }

    /// Remembers the scheme an operator last wrote in (notices follow it); written only when it changes.
    private func noteScheme(_ message: DirectMessage, of op: Operator) async {
        let changed = schemes.withLockedValue { $0.updateValue(message.scheme, forKey: op.publicKey.hex) != message.scheme }
        guard changed else { return }
        do { try await notices.noteScheme(operator: op.publicKey.hex, scheme: message.scheme) } catch {
            logger.warning("cannot record the operator's scheme", metadata: ["error": "\(error)"])
        }
    }

    /// Builds and signs the reply (or takes `prebuilt`, when it says `text`), stores it with the message's processed
    /// mark, then queues it. Only the instance still holding the message's claim may store it: one that lost it
    /// (stalled past its lease) sends nothing.
    /// - Parameter prebuilt: an answer built while the ledger recorded, with how long the caller waited for it after
    ///   the Gate returned: the `reply_build` stage counts only that wait (the part of the build the answer's way
    ///   waited for).
    /// - Parameter wrapKeys: a NIP-17 answer's wrap keys made ahead and not used by any build yet.
    private func reply(
        _ text: String, to message: DirectMessage, prebuilt: (answer: Prebuilt, waited: Duration)? = nil, wrapKeys: ReplyBuilder.WrapKeys? = nil
    ) async {
        var started = ContinuousClock.now
        let time: Int64
        let events: [Event]
        if let (answer, waited) = prebuilt, answer.text == text {
            (time, events) = (answer.time, answer.events)
            started = started - waited
        } else {
            time = now()
            do {
                events = try await ReplyBuilder.events(text, answering: message, bot: bot, keys: pipeline.decoder.keys, now: time, wrapKeys: wrapKeys)
            } catch {
                logger.error("cannot build a reply", metadata: ["message": "\(message.id)", "error": "\(error)"])
                return
            }
        }
        let built = ContinuousClock.now
        // What the answer path waited for: all of a build after the Gate, none of one done while the ledger recorded.
        StageTimer.record(CommandStage.replyBuild, built - started)
        do {
            defer { StageTimer.record(CommandStage.replyStore, since: built) }
            guard try await storage.storeReply(events, answering: message, now: time) else {
                logger.notice(
                    "another instance took this message over and answers it; this reply is not sent", metadata: ["message": "\(message.id)"])
                return
            }
        } catch {
            // Not recorded: the message comes back (after a restart, or when the claim's lease runs out) and the Gate
            // answers it from the ledger.
            logger.error("cannot record a processed message and its reply", metadata: ["message": "\(message.id)", "error": "\(error)"])
            return
        }
        pipeline.noteOwnEvents(events.map(\.id))
        StopPoint.reached(.replyStored)
        await publisher.enqueue(messageID: message.id, events: events, sendAtOnce: true)
    }

    /// Claims `message` for this instance: the decision stands when this instance won, else it becomes a drop.
    private func claim(_ message: DirectMessage, carrier: Event, decision: InboxDecision) async -> InboxDecision {
        let outcome: MessageClaim
        do { outcome = try await storage.claim(message, carrier: carrier, now: now()) } catch {
            // Unclaimed and unrecorded: the relays deliver it again after a reconnect, or another instance takes it.
            logger.error(
                "cannot claim a message in the shared inbox; not answering it now", metadata: ["message": "\(message.id)", "error": "\(error)"])
            return .drop(reason: .sharedInboxUnavailable, detail: "\(error)", message: message)
        }
        guard outcome == .won else {
            logger.debug("message answered by another instance", metadata: ["message": "\(message.id)", "claim": "\(outcome)"])
            return .drop(reason: .handledElsewhere, detail: "\(outcome)", message: message)
        }
        return decision
    }

    /// Runs `body` while renewing this instance's claim on `message` (when claims have a lease).
    private func holdingClaim(on message: DirectMessage, _ body: @escaping @Sendable () async -> Ack) async -> Ack {
        guard let lease = storage.claimLease else { return await body() }
        let storage = self.storage
        let now = self.now
        return await LeaseRenewal.run(
            every: .seconds(max(1, lease / 3)), renew: { try await storage.renewClaim(messageID: message.id, now: now()) }, body)
    }
}
