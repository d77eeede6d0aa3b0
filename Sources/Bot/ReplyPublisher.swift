import Gate
import Logging
import NostrCore
import NostrIngress
import ServiceLifecycle

/// Publishes stored replies, taken from its queue in order and published up to ``maxInFlight`` at a time (so they
/// may reach the relays in another order), and owns the only retry path for them: every `retryInterval` it takes
/// again what the ``InboxStorage`` still holds unpublished (replies no relay accepted, and with several instances
/// those another instance stored and did not publish). While those passes find nothing new, the wait between them
/// doubles up to a minute (``SweepSchedule``); an answer no relay accepted brings it back to `retryInterval`.
///
/// Several answers are in flight at once because each one waits for its relays' `OK`s: one at a time, a burst of
/// answers queued behind one relay round trip each (and behind a relay that never answers, 10 s each), while the
/// relay connections carry any number of pending publishes.
///
/// Replies reach it only after they were stored, so a crash between storing and publishing re-publishes the same
/// signed events (the same ids: relays and clients see them once). For the same reason it holds at most
/// ``maxHeld`` answers in memory: a burst of commands answered faster than the relays take the answers leaves the
/// rest in storage (two bursts of 8,000 DMs: the bot's anonymous memory peaked at 31–40 MB holding them all, 23 MB
/// with the bound), and the publisher takes them from there, oldest first, as its queue drains. One service of the
/// bot's `ServiceGroup`: on graceful shutdown (after the intake stopped) it publishes what is queued, then returns.
public actor ReplyPublisher: Service {
    private let pool: RelayPool
    private let storage: any InboxStorage
    private let metrics: BotMetrics
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let retryInterval: Duration
    /// Cuts the retry pass's wait short when an answer found no relay.
    private nonisolated let retryAlarm = SweepAlarm()
    /// Where each answer goes beyond the pool's write relays; `nil`: the write relays only.
    private let routing: (router: ReplyRouter, onDemand: OnDemandRelays)?
    private let stream: AsyncStream<(messageID: String, events: [Event], queuedAt: ContinuousClock.Instant)>
    private nonisolated let continuation: AsyncStream<(messageID: String, events: [Event], queuedAt: ContinuousClock.Instant)>.Continuation
    /// Answers held: queued, in flight, or published and not yet recorded. At most ``maxHeld``.
    private var queued: Set<String> = []
    /// Answers held in memory at most; see the type's description.
    let maxHeld: Int
    /// Whether an answer was left in storage because ``maxHeld`` were held: the queue refills from storage when it
    /// drains to half.
    private var spilled = false
    /// The most answers held at once so far (what the bound allowed).
    private(set) var mostHeld = 0
    /// Replies published and not yet recorded; they stay in `queued` until recorded, so that a retry pass does not
    /// take them again.
    private var published: [String] = []
    private static let recordBatch = 64
    /// How long a published answer waits to be recorded with those published after it: a stream of answers (one
    /// command after another) costs one commit per pause instead of one each. A crash meanwhile re-publishes them
    /// (the same events: relays and clients keep one copy).
    static let recordDelay: Duration = .milliseconds(200)
    /// Whether a publish task is waiting out ``recordDelay`` to record.
    private var recordScheduled = false
    /// Answers being published at once, at most. Under a burst the queue waits here, behind the relays' `OK`s, which
    /// come late when the relay is as busy as the bot: with 16, the `publish` stage averaged 150–163 ms over `bench e2e`'s two
    /// 1,000-DM loads and answers reached the operator later; with 128, 75–86 ms and 3–6 % more commands per second; with
    /// 1,024 (every held answer), more tasks contending for this actor cost more CPU per command than the wait.
    public static let maxInFlight = 128
    private var inFlight = 0
    /// The queue's reader, waiting for a place while ``maxInFlight`` answers are in flight.
    private var placeWaiter: CheckedContinuation<Void, Never>?
    /// Relays outside the pool that keep refusing answers, skipped for a while.
    private var refusing = RefusingRelays()

    public init(
        pool: RelayPool, storage: any InboxStorage, metrics: BotMetrics, logger: Logger, now: @escaping @Sendable () -> Int64,
        retryInterval: Duration = .seconds(15), routing: (router: ReplyRouter, onDemand: OnDemandRelays)? = nil, maxHeld: Int = 1_024
    ) {
        self.maxHeld = max(1, maxHeld)
        self.routing = routing
        self.pool = pool
        self.storage = storage
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.retryInterval = retryInterval
        (stream, continuation) = AsyncStream.makeStream(of: (messageID: String, events: [Event], queuedAt: ContinuousClock.Instant).self)
    }

    /// Queues a stored reply (once, however often it is offered); while ``maxHeld`` answers are held it stays in
    /// storage and is taken from there once the queue drained to half.
    /// - Parameter sendAtOnce: write the events to the write relays before the queue takes them, when they would be
    ///   published at once anyway (fewer than ``maxInFlight`` answers waiting or in flight): the answer leaves without
    ///   the queue's hops, and its publish then waits for those writes' verdicts (``RelayPool/send(_:)``). Under a
    ///   burst, answers take their turn as before.
    public func enqueue(messageID: String, events: [Event], sendAtOnce: Bool = false) async {
        guard queued.count < maxHeld else {
            if !queued.contains(messageID) { spilled = true }
            return
        }
        guard queued.insert(messageID).inserted else { return }
        mostHeld = max(mostHeld, queued.count)
        let queuedAt = ContinuousClock.now
        // Held and not yet published, this one included.
        if sendAtOnce && queued.count - published.count <= Self.maxInFlight {
            for event in events { await pool.send(event) }
        }
        continuation.yield((messageID, events, queuedAt))
    }

    /// Queues stored replies not yet published, oldest first, as many as there is room for; returns how many were
    /// not queued already.
    @discardableResult
    public func enqueuePending() async -> Int {
        do {
            let before = queued.count
            let room = maxHeld - before
            guard room > 0 else {
                spilled = true
                return 0
            }
            let pending = try await storage.pendingReplies(now: now(), limit: room, excluding: queued)
            // As many as there was room for: more may wait in storage.
            if pending.count == room { spilled = true }
            for reply in pending { await enqueue(messageID: reply.messageID, events: reply.events) }
            return queued.count - before
        } catch {
            logger.error("cannot read stored replies", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Takes stored, unpublished replies again, passes spaced as ``SweepSchedule`` says, until cancelled.
    private nonisolated func retryPasses() async {
        await retryAlarm.runPasses(SweepSchedule(base: retryInterval, maximum: .seconds(60))) { await enqueuePending() > 0 }
    }

    /// Publishes queued replies, retrying unpublished ones, until a graceful shutdown and an empty queue.
    public nonisolated func run() async {
        let continuation = self.continuation
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.retryPasses() }
                await self.publishQueued()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }

    private func publishQueued() async {
        await withDiscardingTaskGroup { group in
            for await reply in stream {
                if inFlight >= Self.maxInFlight { await withCheckedContinuation { placeWaiter = $0 } }
                inFlight += 1
                group.addTask { await self.publish(reply) }
            }
        }
        await recordPublished()
    }

    /// Publishes one answer's events (in order) and records the outcome.
    private func publish(_ reply: (messageID: String, events: [Event], queuedAt: ContinuousClock.Instant)) async {
        var accepted = true
        for event in reply.events {
            if await !deliver(event, messageID: reply.messageID) { accepted = false }
        }
        inFlight -= 1
        placeWaiter?.resume()
        placeWaiter = nil
        metrics.reply(published: accepted)
        guard accepted else {
            queued.remove(reply.messageID)
            retryAlarm.ring()
            return
        }
        StageTimer.record(CommandStage.publish, since: reply.queuedAt)
        published.append(reply.messageID)
        // Recorded together ``recordDelay`` after the first of them, or at once when 64 are due.
        if published.count >= Self.recordBatch {
            await recordPublished()
        } else if !recordScheduled {
            recordScheduled = true
            try? await Task.sleep(for: Self.recordDelay)
            recordScheduled = false
            await recordPublished()
        }
    }

    /// Records what was published, in one commit; again if more were published meanwhile.
    private func recordPublished() async {
        while !published.isEmpty {
            let ids = published
            published = []
            do { try await storage.markPublished(messageIDs: ids, now: now()) } catch {
                // Published but not recorded: the retry pass publishes them again (same events: relays keep one copy).
                logger.warning("cannot record published replies", metadata: ["count": "\(ids.count)", "error": "\(error)"])
            }
            for id in ids { queued.remove(id) }
        }
        if spilled && queued.count <= maxHeld / 2 {
            spilled = false
            await enqueuePending()
        }
    }

    /// Publishes one event where its ``DeliveryRoute`` says; `true` once a relay of the route accepted it.
    private func deliver(_ event: Event, messageID: String) async -> Bool {
        guard let (router, onDemand) = routing else {
            let report = await pool.publish(event, deadline: .seconds(10))
            if !report.succeeded { warnUndelivered(event, messageID: messageID, route: nil, rejected: report.rejected) }
            return report.succeeded
        }
        let route = await router.route(for: event)
        let direct = refusing.usable(route.relays.filter { !router.writeRelays.contains($0) }, now: .now)
        async let pooled = pool.publish(event, deadline: .seconds(10))
        let directReport = direct.isEmpty ? nil : await onDemand.publish(event, to: direct, timeout: .seconds(10))
        for (url, outcome) in directReport?.outcomes ?? [:] {
            if let rest = refusing.record(url, outcome: outcome, now: .now) {
                logger.notice(
                    "relay keeps refusing answers; set aside",
                    metadata: ["relay": "\(url)", "for_s": "\(rest.components.seconds)", "last": "\(outcome)"])
            }
        }
        let outcomes = (await pooled).outcomes.merging(directReport?.outcomes ?? [:]) { _, direct in direct }
        let delivered = route.relays.contains { outcomes[$0]?.isAccepted == true }
        let accepted = outcomes.filter(\.value.isAccepted).keys.sorted()
        if delivered {
            logger.debug(
                "answer delivered",
                metadata: ["message": "\(messageID)", "event": "\(event.id)", "route": "\(route.source.rawValue)", "accepted": "\(accepted)"])
        } else {
            warnUndelivered(event, messageID: messageID, route: route, rejected: outcomes.filter { !$0.value.isAccepted }.mapValues(\.description))
        }
        return delivered
    }

    private func warnUndelivered(_ event: Event, messageID: String, route: DeliveryRoute?, rejected: [String: String]) {
        logger.warning(
            "reply not accepted by any relay of its route; will retry",
            metadata: [
                "message": "\(messageID)", "event": "\(event.id)", "route": "\(route?.source.rawValue ?? "write relays")",
                "relays": "\(route?.relays ?? [])", "rejected": "\(rejected)"
            ])
    }
}
