import Foundation
import Gate
import Logging
import NostrCore
import NostrIngress

/// The bot's inbox: turns each inbound event into an ``InboxDecision``, cheapest check first.
///
/// 1. kind 4 or 1059, `p`-tagged to the bot (else `wrong_kind` / `not_addressed_to_us`)
/// 2. kind 4: the author must be an operator, before any cryptography (`stranger`: a stranger costs no verify);
///    a gift wrap larger than the size limit allows is dropped unopened (`oversized`)
/// 3. seen before (carrier id)? (`duplicate`)
/// 4. verify id and signature, decrypt NIP-04 or unwrap NIP-17 (seal verified, rumor author = seal signer; a
///    seal claiming a non-operator stops the unwrap before the seal is verified or opened)
///    (`invalid_event`, `undecryptable`, `forged_wrap`, `unwrap_failed`, …; never answered: the real author is unknown)
/// 5. NIP-17: the rumor's author must be an operator (`stranger`); rumor id seen before? (`duplicate`)
/// 6. age and skew on the message's own time (kind-4 `created_at`, or the rumor's; a wrap's outer time is random)
/// 7. size of the decrypted text, 8. rate limit, 9. command grammar, 10. policy (repository × action)
///
/// Everything dropped after the carrier verified is remembered as seen, so a copy from another relay costs no second
/// verify; an event that failed verification is not (its id may belong to a real event a forgery arrived ahead of).
/// Messages that reach an answer or an execution are recorded by the caller, together with the reply
/// (``InboxStore/markProcessed(ids:messageTime:cursor:now:reply:)``), so a crash before that re-delivers them.
public actor InboxPipeline {
    public nonisolated let decoder: DirectMessageDecoder
    public nonisolated let store: InboxStore
    private let operators: [String: Operator]
    /// `nostr:<npub>` per operator (hex key), stamped into commands; bech32 costs a few µs per message otherwise.
    private let sources: [String: String]
    /// The operators' public keys (hex), for ``accepts(_:)``.
    public nonisolated let operatorKeys: Set<String>
    public nonisolated let limits: BotConfiguration.Limits
    private var limiter: RateLimiter
    private let logger: Logger
    /// The resume cursors when the pipeline started: a message newer than these that is too old was sent while
    /// the bot was down, and its sender is told it was not executed. Older ones are history and dropped quietly.
    private let startCursor: InboxCursor
    private let startedAt: Int64
    /// `reply_to_strangers`: answer strangers (once an hour each) instead of ignoring them. Costs a signature
    /// check and a decryption per stranger's DM, and tells anyone that the bot exists.
    private let replyToStrangers: Bool
    /// When each stranger was last answered.
    private var strangersAnswered: [String: Int64] = [:]
    /// Whether drops are recorded as seen (false for `replay --dry-run`, which writes nothing).
    private let persist: Bool
    /// Ids seen in this run when nothing is persisted (`replay --dry-run`).
    private var seenInMemory: Set<String> = []
    /// Decisions by label since start.
    public private(set) var counts: [String: Int] = [:]

    public init(decoder: DirectMessageDecoder, store: InboxStore, operators: [Operator], limits: BotConfiguration.Limits,
                now: Int64, replyToStrangers: Bool = false, persist: Bool = true, logger: Logger) throws {
        self.replyToStrangers = replyToStrangers
        self.decoder = decoder
        self.store = store
        self.operators = Dictionary(operators.map { ($0.publicKey.hex, $0) }, uniquingKeysWith: { first, _ in first })
        self.operatorKeys = Set(operators.map(\.publicKey.hex))
        self.sources = Dictionary(operators.map { ($0.publicKey.hex, "nostr:" + $0.publicKey.npub) }, uniquingKeysWith: { first, _ in first })
        self.limits = limits
        self.limiter = RateLimiter(perMinute: limits.commandsPerMinute)
        self.logger = logger
        self.startCursor = try store.cursor()
        self.startedAt = now
        self.persist = persist
    }

    /// The REQs for (re)connecting relays, following the persisted cursors; a first start looks back `max_dm_age_s`.
    /// - Parameter shared: cursors kept by other instances on a shared inbox; the newer of each is used.
    public func subscriptions(now: Int64, shared: InboxCursor? = nil) -> [String: [Filter]] {
        var cursor = (try? store.cursor()) ?? startCursor
        if let shared {
            if let time = shared.nip04 { cursor.nip04 = max(cursor.nip04 ?? time, time) }
            if let time = shared.nip17 { cursor.nip17 = max(cursor.nip17 ?? time, time) }
        }
        return cursor.filters(recipient: decoder.recipient, now: now, lookback: limits.maxDMAge)
    }

    /// Step 1 and 2 on an undecoded frame's summary (the relay connection's prescreen): kind 1059, or kind 4 from
    /// an operator. What it lets through is decoded and judged in full by ``admit(_:now:)``.
    public nonisolated func accepts(_ summary: EventPrescreen.Summary) -> Bool {
        summary.kind == 1059 || (summary.kind == 4 && (replyToStrangers || operatorKeys.contains(summary.pubkey)))
    }

    /// Classifies one inbound event: ``prepare(_:)`` then ``admit(_:now:)``.
    public func admit(_ event: Event, now: Int64) -> InboxDecision {
        admit(prepare(event), now: now)
    }

    /// Steps 1 to 4, which need no order and touch no state but the seen record: callable for several events at
    /// once, off the actor. A copy of an event that another copy passes in the meantime is caught by ``admit(_:now:)``.
    ///
    /// `resuming`: a message taken over from another instance of a shared inbox (it was admitted there); the
    /// seen record is not asked, as this instance may have recorded the message as answered elsewhere.
    public nonisolated func prepare(_ event: Event, resuming: Bool = false) -> PreparedEvent {
        do { try decoder.isAddressedToUs(event) } catch {
            return PreparedEvent(event: event, stage: .dropped(reason: .undecodable(error), detail: error.description))
        }
        if event.kind == 4, !operatorKeys.contains(event.pubkey), !replyToStrangers {
            return PreparedEvent(event: event, stage: .dropped(reason: .stranger, detail: "kind 4 from \(event.pubkey.prefix(16))…, not an operator"))
        }
        // NIP-44 base64 is 4/3 of the padded plaintext, and a wrap holds a seal holding the rumor: about 16/9 × text + JSON.
        if event.kind == 1059, event.content.utf8.count > limits.maxDMBytes * 2 + 8192 {
            return PreparedEvent(event: event, stage: .dropped(reason: .oversized, detail: "gift wrap of \(event.content.utf8.count) bytes"))
        }
        if !resuming, (try? store.hasSeen(event.id)) == true {
            return PreparedEvent(event: event, stage: .dropped(reason: .duplicate, detail: "event seen before"))
        }
        // A gift wrap whose seal claims a non-operator stops before the seal is verified or opened (unless
        // strangers are answered); the claim is checked again, verified, in admit.
        let operatorKeys = self.operatorKeys, answerStrangers = replyToStrangers
        do {
            let message = try decoder.decode(event, acceptingSealAuthor: { answerStrangers || operatorKeys.contains($0) })
            return PreparedEvent(event: event, stage: .decoded(message))
        } catch {
            return PreparedEvent(event: event, stage: .undecodable(error))
        }
    }

    /// Steps 5 to 10 on a prepared event, in arrival order.
    ///
    /// `resuming`: a message another instance of a shared inbox admitted and stopped answering; seen, age and
    /// rate are not checked again (they were when it arrived), the operator, grammar and policy are.
    public func admit(_ prepared: PreparedEvent, now: Int64, resuming: Bool = false) -> InboxDecision {
        let event = prepared.event
        let decision = decide(prepared, now: now, resuming: resuming)
        if !persist, let message = decision.message {
            // Nobody records answered and executed messages in a dry run: remember them here.
            seenInMemory.formUnion([event.id, message.id])
        }
        counts[decision.label, default: 0] += 1
        switch decision {
        case .drop(let reason, let detail, _):
            logger.debug("dropped event", metadata: ["id": "\(event.id)", "kind": "\(event.kind)", "reason": "\(reason)", "detail": "\(detail)"])
        case .answer(let message, let op, _, let outcome):
            logger.info("answering without executing", metadata: ["message": "\(message.id)", "operator": "\(op.name)", "outcome": "\(outcome)"])
        case .answerStranger(let message, _):
            logger.info("answering a stranger (reply_to_strangers)", metadata: ["message": "\(message.id)", "from": "\(message.sender.hex.prefix(16))"])
        case .execute(let message, let op, let command):
            logger.info("command admitted", metadata: ["message": "\(message.id)", "operator": "\(op.name)",
                                                       "action": "\(command.action.rawValue)", "repo": "\(command.repository)"])
        }
        return decision
    }

    private func decide(_ prepared: PreparedEvent, now: Int64, resuming: Bool) -> InboxDecision {
        let event = prepared.event
        let message: DirectMessage
        switch prepared.stage {
        case .dropped(let reason, let detail):
            return .drop(reason: reason, detail: detail)
        case .undecodable(let error):
            if seen(event.id) { return .drop(reason: .duplicate, detail: "event seen before") }
            // Only what verified is recorded as seen: a forgery's id may be a real event's.
            if error.carrierVerified { remember([event.id], time: event.createdAt, now: now, batched: true) }
            return .drop(reason: .undecodable(error), detail: error.description)
        case .decoded(let decoded):
            // Checked again: a copy from another relay may have been handled since this one was prepared.
            if !resuming, seen(event.id) { return .drop(reason: .duplicate, detail: "event seen before") }
            message = decoded
        }
        guard let op = operators[message.sender.hex] else {
            remember([event.id, message.id], time: message.createdAt, now: now, batched: true)
            if replyToStrangers, abs(now - message.createdAt) <= limits.maxDMAge, now - (strangersAnswered[message.sender.hex] ?? .min / 2) >= 3600 {
                if strangersAnswered.count >= 10_000 { strangersAnswered = strangersAnswered.filter { now - $0.value < 3600 } }
                strangersAnswered[message.sender.hex] = now
                return .answerStranger(message, text: "This bot only takes commands from its operators. Nothing was executed.")
            }
            return .drop(reason: .stranger, detail: "\(message.scheme.rawValue) message from \(message.sender.hex.prefix(16))…, not an operator")
        }
        if !resuming, message.id != event.id, seen(message.id) {
            remember([event.id], time: message.createdAt, now: now)
            return .drop(reason: .duplicate, detail: "message seen before in another wrap", message: message)
        }
        let age = now - message.createdAt
        if !resuming, age > limits.maxDMAge {
            let cursor = message.scheme == .nip04 ? startCursor.nip04 : startCursor.nip17
            guard message.createdAt > (cursor ?? startedAt) else {
                remember([event.id, message.id], time: message.createdAt, now: now)
                return .drop(reason: .tooOld, detail: "sent \(age) s ago, before the last message handled", message: message)
            }
            return .answer(message, op, text: "✗ Not executed: your message is \(Self.duration(age)) old (the limit is \(Self.duration(limits.maxDMAge))). "
                           + "Send it again if you still want it.", outcome: .tooOld)
        }
        if !resuming, -age > limits.clockSkew {
            return .answer(message, op, text: "✗ Not executed: your message is dated \(Self.duration(-age)) in the future "
                           + "(allowed skew \(Self.duration(limits.clockSkew))). Check your device's clock.", outcome: .clockSkew)
        }
        if message.text.utf8.count > limits.maxDMBytes {
            return .answer(message, op, text: "✗ Not executed: your message has \(message.text.utf8.count) bytes; the limit is \(limits.maxDMBytes).",
                           outcome: .tooLarge)
        }
        switch resuming ? .allowed : limiter.check(op.publicKey.hex, now: now) {
        case .allowed: break
        case .limited(notify: true):
            return .answer(message, op, text: "✗ Slow down: at most \(limits.commandsPerMinute) commands a minute. "
                           + "This one was not executed; send it again in a minute.", outcome: .rateLimited)
        case .limited(notify: false):
            remember([event.id, message.id], time: message.createdAt, now: now)
            return .drop(reason: .rateLimited, detail: "over the limit; already told", message: message)
        }
        let grammar = CommandGrammar(context: .init(defaultRepository: op.defaultRepository, aliases: op.aliases))
        let request = grammar.parse(message.text, source: sources[op.publicKey.hex] ?? "nostr:" + op.publicKey.npub,
                                    origin: Command.Origin(eventID: message.id, createdAt: message.createdAt), receivedAt: now)
        switch request {
        case .help(let verb):
            return .answer(message, op, text: Self.help(verb), outcome: .help)
        case .whoami:
            return .answer(message, op, text: Self.whoami(op), outcome: .whoami)
        case .invalid(let problem, let usage):
            return .answer(message, op, text: "✗ \(problem)\nUsage: \(usage)", outcome: .invalid)
        case .command(let command):
            if let refusal = op.refusal(command.action, on: command.repository) {
                return .answer(message, op, text: "✗ Refused: \(refusal). Nothing was executed.", outcome: .refused)
            }
            return .execute(message, op, command)
        }
    }

    private func seen(_ id: String) -> Bool {
        seenInMemory.contains(id) || (try? store.hasSeen(id)) == true
    }

    /// Records dropped ids as seen. `batched`: a drop whose loss in a crash costs only a second look (a stranger's
    /// message, an event that does not decrypt): written with the next batch, so a flood costs no write each.
    private func remember(_ ids: [String], time: Int64, now: Int64, batched: Bool = false) {
        guard persist else {
            seenInMemory.formUnion(ids)
            return
        }
        do {
            if batched { try store.noteSeen(ids: Array(Set(ids)), messageTime: time, now: now) } else {
                try store.markSeen(ids: Array(Set(ids)), messageTime: time, now: now)
            }
        } catch {
            logger.warning("cannot record a dropped event as seen", metadata: ["error": "\(error)"])
        }
    }

    static func help(_ verb: String?) -> String {
        if let verb { return "Usage: " + CommandGrammar.usage(verb.lowercased()) }
        return (["Commands (repo is owner/name, an alias, or omitted for your default; #N issue, !N pull request):"]
                + CommandGrammar.verbs.map { "• " + CommandGrammar.usage($0) }
                + ["Prefix with \"again\" to repeat a command inside the 24 h duplicate window."]).joined(separator: "\n")
    }

    static func whoami(_ op: Operator) -> String {
        var lines = ["You are \(op.name) (\(op.publicKey.npub))."]
        lines.append("Repositories: " + op.repositories.joined(separator: ", "))
        lines.append("Actions: " + op.actions.map(\.rawValue).sorted().joined(separator: ", "))
        if let repo = op.defaultRepository { lines.append("Default repository: \(repo)") }
        if !op.aliases.isEmpty { lines.append("Aliases: " + op.aliases.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    static func duration(_ seconds: Int64) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86400) days"
    }
}
