import Logging
import NostrCore
import NostrIngress

/// Publishes stored replies, in order, and retries those no relay accepted.
///
/// Replies reach it only after they were stored (``InboxStore/markProcessed(ids:messageTime:cursor:now:reply:)``);
/// at start it takes what the store still holds unpublished, so a crash between storing and publishing
/// re-publishes the same signed events (the same ids: relays and clients see them once).
public actor ReplyPublisher {
    private let pool: RelayPool
    private let store: InboxStore
    private let metrics: BotMetrics
    private let logger: Logger
    private let stream: AsyncStream<(messageID: String, events: [Event])>
    private let continuation: AsyncStream<(messageID: String, events: [Event])>.Continuation
    private var queued: Set<String> = []
    /// Told about every reply published (a shared inbox records it, so no other instance publishes it again).
    private let published: @Sendable (String) async -> Void

    public init(pool: RelayPool, store: InboxStore, metrics: BotMetrics, logger: Logger,
                published: @escaping @Sendable (String) async -> Void = { _ in }) {
        self.published = published
        self.pool = pool
        self.store = store
        self.metrics = metrics
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: (messageID: String, events: [Event]).self)
    }

    /// Queues a stored reply (once, however often it is offered).
    public func enqueue(messageID: String, events: [Event]) {
        guard queued.insert(messageID).inserted else { return }
        continuation.yield((messageID, events))
    }

    /// Queues every stored reply not yet published (at start, and periodically for retries).
    public func enqueuePending() {
        do {
            for pending in try store.pendingReplies() { enqueue(messageID: pending.messageID, events: pending.events) }
        } catch {
            logger.error("cannot read stored replies", metadata: ["error": "\(error)"])
        }
    }

    /// No more new replies: ``run(now:)`` returns once the queue is empty.
    public func finish() { continuation.finish() }

    /// Publishes queued replies until ``finish()`` and an empty queue.
    public func run(now: @escaping @Sendable () -> Int64) async {
        for await reply in stream {
            var accepted = true
            for event in reply.events {
                let report = await pool.publish(event, deadline: .seconds(10))
                if !report.succeeded {
                    accepted = false
                    logger.warning("reply not accepted by any relay; will retry", metadata: ["message": "\(reply.messageID)", "event": "\(event.id)",
                                                                                             "rejected": "\(report.rejected)"])
                }
            }
            metrics.reply(published: accepted)
            queued.remove(reply.messageID)
            guard accepted else { continue }
            do { try store.markPublished(messageID: reply.messageID, at: now()) } catch {
                logger.error("cannot record a published reply", metadata: ["error": "\(error)"])
            }
            await published(reply.messageID)
        }
    }
}
