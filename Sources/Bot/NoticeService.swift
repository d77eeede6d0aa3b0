import Foundation
import Gate
import Logging
import NIOConcurrencyHelpers
import NostrCore
import ServiceLifecycle

/// Turns stored webhook deliveries into DMs to the operators who watch them, exactly once: a delivery is fanned
/// out to one queued line per operator in one transaction, and lines become a DM stored in the outbox (and
/// published by the ``ReplyPublisher``, with its retries) in the transaction that removes them.
///
/// The first notice about a repository goes to an operator at once; lines arriving within `digest_s` after it wait
/// and go out together as one digest DM when that time is up (``NoticeText/message(_:)``: ten lines, then "and N
/// more"), so a burst of 200 events is a few DMs, not 200. Notices go in the scheme the operator last wrote in,
/// NIP-17 by default, and at most `notices_per_minute` (``WebhookSettings/noticesPerMinute``) DMs go to an operator in
/// a minute over all repositories.
/// Woken by the intake and by its own next due time; nothing wakes it while nothing waits.
public final class NoticeService: Service, Sendable {
    private let store: any NoticeStore
    private let operators: [Operator]
    private let settings: WebhookSettings
    private let bot: KeyPair
    private let keys: ConversationKeyCache
    private let publisher: ReplyPublisher
    private let noteOwnEvents: @Sendable ([String]) -> Void
    private let logger: Logger
    private let now: @Sendable () -> Int64
    /// Notice DMs per operator per minute, over all repositories: beyond it lines wait and go out together
    /// (``RateLimiter``'s sliding window; each instance counts its own).
    private let limiter: NIOLockedValueBox<RateLimiter<String>>
    private let signals: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init(
        store: any NoticeStore, operators: [Operator], settings: WebhookSettings, bot: KeyPair, keys: ConversationKeyCache,
        publisher: ReplyPublisher, noteOwnEvents: @escaping @Sendable ([String]) -> Void, logger: Logger,
        now: @escaping @Sendable () -> Int64
    ) {
        (self.store, self.operators, self.settings, self.bot, self.keys) = (store, operators, settings, bot, keys)
        (self.publisher, self.noteOwnEvents, self.logger, self.now) = (publisher, noteOwnEvents, logger, now)
        (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        limiter = NIOLockedValueBox(RateLimiter<String>(perMinute: settings.noticesPerMinute))
    }

    /// Something was stored: look at it soon.
    public func ring() { continuation.yield() }

    public func run() async {
        let continuation = self.continuation
        continuation.yield()  // what a crash left: deliveries not fanned out, lines not sent
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var scheduled: Int64?
                for await _ in signals {
                    let time = now()
                    if let due = scheduled, due <= time { scheduled = nil }
                    guard let next = await step(at: time) else { continue }
                    if scheduled.map({ next < $0 }) ?? true {
                        scheduled = next
                        group.addTask {
                            try? await Task.sleep(for: .seconds(max(0, next - time)))
                            continuation.yield()
                        }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }

    /// Fans out new deliveries, sends what is due; the next time something falls due, if anything waits.
    @discardableResult
    public func step(at time: Int64) async -> Int64? {
        do {
            try await fanOut(at: time)
            return try await send(at: time)
        } catch {
            logger.error("cannot process webhook notices; retrying in 5 s", metadata: ["error": "\(error)"])
            return time + 5
        }
    }

    /// Each stored delivery → one queued line per operator who watches its kind on its repository and may act on it.
    private func fanOut(at time: Int64) async throws {
        for delivery in try await store.deliveriesToFanOut(limit: 500) {
            guard let event = ForgeEvent(delivery), settings.echo || !event.viaBot else {
                _ = try await store.fanOut(deliveryID: delivery.id, notices: [], assignees: nil, now: time)
                continue
            }
            let watchers = Set(try await store.watchers(repo: event.repository, kind: event.kind))
            var previous: [String]?
            if let number = event.number { previous = try await store.lastAssignees(repo: event.repository, number: number) }
            let line = NoticeText.line(event)
            var notices: [(operator: String, repo: String, line: String)] = []
            for op in operators where op.covers(event.repository.lowercased()) {
                // Personal notices need no subscription; watching needs the watch action.
                let personal = op.giteaUser.flatMap { PersonalNotice.reason(event, login: $0, previousAssignees: previous) }
                guard personal != nil || (watchers.contains(op.publicKey.hex) && op.actions.contains(.watch)) else { continue }
                notices.append((op.publicKey.hex, event.repository.lowercased(), line + (personal.map { " — \($0.rawValue)" } ?? "")))
            }
            var assignees: (repo: String, number: Int, logins: [String])?
            if let number = event.number, let logins = event.assignees { assignees = (event.repository, number, logins) }
            _ = try await store.fanOut(deliveryID: delivery.id, notices: notices, assignees: assignees, now: time)
        }
    }

    /// Sends every batch whose time has come; returns when the next one is due.
    private func send(at time: Int64) async throws -> Int64? {
        var next: Int64?
        for batch in try await store.queuedNotices() {
            let due = batch.lastSentAt.map { $0 + settings.digestSeconds } ?? time
            guard due <= time else {
                next = min(next ?? due, due)
                continue
            }
            guard limiter.withLockedValue({ $0.check(batch.recipient, now: time) }) == .allowed else {
                // Over the operator's rate: the lines wait (more may join them) and are looked at again shortly.
                next = min(next ?? time + 5, time + 5)
                continue
            }
            guard let op = operators.first(where: { $0.publicKey.hex == batch.recipient }) else {
                _ = try await store.storeNotice(id: "notice:dropped:\(batch.recipient.prefix(16)):\(time)", events: [], batch: batch, now: time)
                continue
            }
            let events = try await ReplyBuilder.events(
                NoticeText.message(batch.items.map(\.line)), to: op.publicKey, scheme: try await store.scheme(operator: op.publicKey.hex) ?? .nip17,
                replyTo: nil, bot: bot, keys: keys, now: time)
            let id = "notice:\(op.publicKey.hex.prefix(16)):\(batch.items[0].deliveryID)"
            // Another instance sent (some of) these lines first: its DM carries them.
            guard try await store.storeNotice(id: id, events: events, batch: batch, now: time) else { continue }
            noteOwnEvents(events.map(\.id))
            logger.info("notice stored", metadata: ["operator": "\(op.name)", "repo": "\(batch.repo)", "events": "\(batch.items.count)"])
            await publisher.enqueue(messageID: id, events: events)
        }
        return next
    }
}
