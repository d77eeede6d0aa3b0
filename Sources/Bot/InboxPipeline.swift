import Foundation
import Gate
import Logging
import NIOConcurrencyHelpers
import NostrCore
import NostrIngress

/// The bot's inbox: turns each inbound event into an ``InboxDecision``, cheapest check first. The rules are
/// ``InboxPolicy``'s; this actor carries them out: it decodes, asks and updates the seen record, counts and logs.
///
/// 1. kind 4 or 1059, `p`-tagged to the bot (else `wrong_kind` / `not_addressed_to_us`)
/// 2. kind 4: the author may send (``InboxPolicy/mayOpen(from:)``), before any cryptography (`stranger`: a
///    stranger costs no verify); a gift wrap larger than the size limit allows is dropped unopened (`oversized`)
/// 3. seen before (carrier id)? (`duplicate`)
/// 4. verify id and signature, decrypt NIP-04 or unwrap NIP-17 (seal verified, rumor author = seal signer; a
///    seal claiming a sender the policy refuses stops the unwrap before the seal is verified or opened)
///    (`invalid_event`, `undecryptable`, `forged_wrap`, `unwrap_failed`, …; never answered: the real author is unknown)
/// 5 to 10: ``InboxPolicy/admit(_:seen:now:resuming:)``.
///
/// Everything dropped after the carrier verified is remembered as seen, so a copy from another relay costs no second
/// verify; an event that failed verification is not (its id may belong to a real event a forgery arrived ahead of).
/// Messages that reach an answer or an execution are recorded by the caller, together with the reply
/// (``InboxStore/markProcessed(ids:messageTime:cursor:now:reply:)``), so a crash before that re-delivers them; until
/// then this run remembers them in memory, so a second copy is not admitted while the first runs.
public actor InboxPipeline {
    public nonisolated let decoder: DirectMessageDecoder
    /// The seen record and cursors; `nil` when nothing is persisted (`replay --dry-run`, `dm listen`): seen ids
    /// are then kept in memory (the most recent 100,000).
    public nonisolated let store: InboxStore?
    public nonisolated let limits: BotConfiguration.Limits
    /// The policy's sender rule, for the checks before any cryptography (off the actor).
    private nonisolated let senderRule: InboxPolicy.SenderRule
    private var policy: InboxPolicy
    private let logger: Logger
    private let startCursor: InboxCursor
    /// Ids seen in this run: every id when nothing is persisted, else the messages admitted to an answer or an
    /// execution (persisted only with their reply).
    private var seenInMemory = BoundedSet<String>(capacity: 100_000)
    /// Decisions by label since start.
    public private(set) var counts: [String: Int] = [:]
    /// Ids of the events the bot published (its NIP-17 self-copies come back to it): dropped before any cryptography.
    private nonisolated let ownEvents = NIOLockedValueBox(BoundedSet<String>(capacity: 20_000))

    public init(
        decoder: DirectMessageDecoder, store: InboxStore?, senders: InboxPolicy.Senders, limits: BotConfiguration.Limits,
        now: Int64, logger: Logger
    ) throws {
        self.decoder = decoder
        self.store = store
        self.limits = limits
        self.logger = logger
        self.startCursor = try store?.cursor() ?? InboxCursor()
        self.policy = InboxPolicy(senders: senders, limits: limits, startCursor: startCursor, now: now)
        self.senderRule = policy.senderRule
    }

    /// The REQs for (re)connecting relays, following the persisted cursors; a first start looks back `max_dm_age_s`.
    /// - Parameter shared: cursors kept by other instances on a shared inbox; the newer of each is used.
    public nonisolated func subscriptions(now: Int64, shared: InboxCursor? = nil) -> [String: [Filter]] {
        var cursor = (try? store?.cursor()) ?? startCursor
        if let shared {
            if let time = shared.nip04 { cursor.nip04 = max(cursor.nip04 ?? time, time) }
            if let time = shared.nip17 { cursor.nip17 = max(cursor.nip17 ?? time, time) }
        }
        return cursor.filters(recipient: decoder.recipient, now: now, lookback: limits.maxDMAge, nip04Authors: senderRule.kind4Authors)
    }

    /// Step 1 and 2 on an undecoded frame's summary (the relay connection's prescreen): kind 1059, or kind 4 from
    /// a sender the policy may open. What it lets through is decoded and judged in full by ``admit(_:now:)``.
    public nonisolated func accepts(_ summary: EventPrescreen.Summary) -> Bool {
        summary.kind == 1059 || (summary.kind == 4 && senderRule.mayOpen(from: summary.pubkey))
    }

    /// Records ids of events the bot itself signed and stores (its answers, with their self-copies), so that those
    /// coming back from relays are dropped as ``InboxDropReason/ownCopy`` without decoding.
    public nonisolated func noteOwnEvents(_ ids: some Sequence<String>) {
        ownEvents.withLockedValue { set in for id in ids { _ = set.insertEvicting(id) } }
    }

    /// Classifies one inbound event: ``prepare(_:resuming:)`` then ``admit(_:now:resuming:)``.
    public func admit(_ event: Event, now: Int64) -> InboxDecision {
        admit(prepare(event), now: now)
    }

    /// Steps 1 to 4, which need no order and touch no state but the seen record: callable for several events at
    /// once, off the actor. A copy of an event that another copy passes in the meantime is caught by ``admit(_:now:resuming:)``.
    ///
    /// `resuming`: a message taken over from another instance of a shared inbox (it was admitted there); the
    /// seen record is not asked, as this instance may have recorded the message as answered elsewhere.
    public nonisolated func prepare(_ event: Event, resuming: Bool = false) -> PreparedEvent {
        do { try decoder.isAddressedToUs(event) } catch {
            return PreparedEvent(event: event, stage: .dropped(reason: .undecodable(error), detail: error.description))
        }
        if event.kind == 1059, ownEvents.withLockedValue({ $0.contains(event.id) }) {
            return PreparedEvent(event: event, stage: .dropped(reason: .ownCopy, detail: "the bot's own copy of an answer"))
        }
        if event.kind == 4, !senderRule.mayOpen(from: event.pubkey) {
            return PreparedEvent(event: event, stage: .dropped(reason: .stranger, detail: "kind 4 from \(event.pubkey.prefix(16))…, not an operator"))
        }
        // NIP-44 base64 is 4/3 of the padded plaintext, and a wrap holds a seal holding the rumor: about 16/9 × text + JSON.
        if event.kind == 1059, event.content.utf8.count > limits.maxDMBytes * 2 + 8192 {
            return PreparedEvent(event: event, stage: .dropped(reason: .oversized, detail: "gift wrap of \(event.content.utf8.count) bytes"))
        }
        if !resuming, (try? store?.hasSeen(event.id)) == true {
            return PreparedEvent(event: event, stage: .dropped(reason: .duplicate, detail: "event seen before"))
        }
        // A gift wrap whose seal claims a sender the policy refuses stops before the seal is verified or opened;
        // the claim is checked again, verified, in admit.
        let senderRule = self.senderRule
        do {
            let message = try decoder.decode(event, acceptingSealAuthor: { senderRule.mayOpen(from: $0) })
            return PreparedEvent(event: event, stage: .decoded(message))
        } catch {
            return PreparedEvent(event: event, stage: .undecodable(error))
        }
    }

    /// Steps 5 to 10 on a prepared event, in arrival order (``InboxPolicy/admit(_:seen:now:resuming:)``).
    public func admit(_ prepared: PreparedEvent, now: Int64, resuming: Bool = false) -> InboxDecision {
        let event = prepared.event
        let messageID = prepared.message?.id
        let seen = InboxPolicy.Seen(event: isSeen(event.id), message: messageID.map { $0 != event.id && isSeen($0) } ?? false)
        let verdict = policy.admit(prepared, seen: seen, now: now, resuming: resuming)
        if let memo = verdict.memo { remember(memo, now: now) }
        let decision = verdict.decision
        if let message = decision.message {
            // Remembered at once: with a store the message is recorded only with its reply, and commands on other
            // targets run meanwhile, so a copy in another wrap (or from a relay the pool did not dedupe) must not be
            // admitted a second time while the first runs. Without a store, nobody else records it.
            seenInMemory.insert(event.id)
            if message.id != event.id { seenInMemory.insert(message.id) }
        }
        counts[decision.label, default: 0] += 1
        log(decision, event)
        return decision
    }

    private func log(_ decision: InboxDecision, _ event: Event) {
        switch decision {
        case .drop(let reason, let detail, _):
            logger.debug("dropped event", metadata: ["id": "\(event.id)", "kind": "\(event.kind)", "reason": "\(reason)", "detail": "\(detail)"])
        case .answer(let message, let op, _, let outcome):
            logger.info("answering without executing", metadata: ["message": "\(message.id)", "operator": "\(op.name)", "outcome": "\(outcome)"])
        case .answerStranger(let message, _):
            logger.info(
                "answering a stranger (reply_to_strangers)", metadata: ["message": "\(message.id)", "from": "\(message.sender.hex.prefix(16))"])
        case .execute(let message, let op, let command):
            logger.info(
                "command admitted",
                metadata: [
                    "message": "\(message.id)", "operator": "\(op.name)",
                    "action": "\(command.action.rawValue)", "repo": "\(command.repository)"
                ])
        case .deliver(let message):
            logger.debug("message delivered", metadata: ["message": "\(message.id)", "from": "\(message.sender.hex.prefix(16))"])
        }
    }

    private func isSeen(_ id: String) -> Bool {
        seenInMemory.contains(id) || (try? store?.hasSeen(id)) == true
    }

    /// Records a drop's ids as seen (in memory when nothing is persisted).
    private func remember(_ memo: InboxPolicy.Memo, now: Int64) {
        guard let store else {
            for id in memo.ids { seenInMemory.insert(id) }
            return
        }
        do {
            if memo.batched {
                try store.noteSeen(ids: memo.ids, messageTime: memo.messageTime, now: now)
            } else {
                try store.markSeen(ids: memo.ids, messageTime: memo.messageTime, now: now)
            }
        } catch {
            logger.warning("cannot record a dropped event as seen", metadata: ["error": "\(error)"])
        }
    }
}
