import Gate
import NostrCore

/// The inbox's rules, as a value: who may send, what is a repeat, how old and how large a message may be, the
/// rate limit, the command language and the operators' policy. Pure: the consumer (``InboxPipeline``) asks the
/// seen record, passes the answer and the time in, and carries out what comes back (records ids as seen, logs,
/// answers, executes).
///
/// The sender rule is written once, in ``mayOpen(from:)`` (before any cryptography: a kind-4 author, a seal's
/// claimed signer, a prescreened frame's author) and ``admit(_:seen:now:resuming:)`` (the verified sender).
///
/// | step | check (operators policy)                                   | drop or answer             |
/// |-----:|------------------------------------------------------------|----------------------------|
/// | 5    | the verified sender is an operator                         | `stranger` (or answered)   |
/// | 5    | the message (rumor) id seen before in another wrap         | `duplicate`                |
/// | 6    | older than `max_dm_age_s`: before the last one handled     | `tooOld` (quietly)         |
/// | 6    | older than `max_dm_age_s`: sent while the bot was down     | answered "too old"         |
/// | 6    | dated in the future by more than `clock_skew_s`            | answered "check the clock" |
/// | 7    | decrypted text over `max_dm_bytes`                         | answered "too large"       |
/// | 8    | over `commands_per_minute`                                 | answered once, then dropped|
/// | 9–10 | grammar, then repository × action                          | answered, or `execute`     |
///
/// With ``Senders/anyone`` (`dm listen`) steps 5 to 6 apply to every sender, a message older than the window is
/// dropped, and every other message is delivered as it is (no command language).
public struct InboxPolicy: Sendable {
    /// Whose messages the inbox takes.
    public enum Senders: Sendable {
        /// The bot: operators' messages are commands; strangers are dropped, or answered once an hour each when
        /// `replyToStrangers` is set (that costs a signature check and a decryption per stranger's DM, and tells
        /// anyone that the bot exists).
        case operators([Operator], replyToStrangers: Bool)
        /// `dm listen`: every sender's message is delivered as it is.
        case anyone
    }

    /// What the seen record holds for a prepared event's ids (asked by the consumer before ``admit(_:seen:now:resuming:)``).
    public struct Seen: Sendable, Equatable {
        /// The carrier event (a kind 4, or a gift wrap).
        public var event: Bool
        /// The decrypted message (a kind 4's own id, or a wrap's rumor).
        public var message: Bool
        public init(event: Bool, message: Bool) { (self.event, self.message) = (event, message) }
        public static let neither = Seen(event: false, message: false)
    }

    /// Ids of a dropped event the consumer records as seen, so a copy from another relay costs no second look.
    public struct Memo: Sendable, Equatable {
        public let ids: [String]
        /// The message's own time (the record is pruned by it).
        public let messageTime: Int64
        /// Written with the next batch rather than at once: a drop whose loss in a crash costs only a second look
        /// (a stranger's message, an event that does not decrypt), so a flood costs no write each.
        public let batched: Bool
    }

    /// A decision, and what to record as seen for it.
    public struct Verdict: Sendable {
        public let decision: InboxDecision
        public let memo: Memo?
    }

    /// The sender rule before any cryptography: whether a kind 4 by a key, or a seal claiming a key as its signer,
    /// is worth verifying and opening. Immutable, so the pipeline checks it off its actor. What passes is checked
    /// again, verified, by ``admit(_:seen:now:resuming:)``.
    public struct SenderRule: Sendable {
        let openToAll: Bool
        let operatorKeys: Set<String>

        public func mayOpen(from pubkey: String) -> Bool { openToAll || operatorKeys.contains(pubkey) }

        /// The kind-4 authors to ask relays for: the operators' keys (sorted), so relays do not send strangers'
        /// kind-4 events at all (a flood of them cannot push the bot behind a relay); `nil` (every author) when
        /// strangers are read too, or for more than ``maximumFilterAuthors`` operators (relays cap a filter's size).
        public var kind4Authors: [String]? {
            openToAll || operatorKeys.count > Self.maximumFilterAuthors ? nil : operatorKeys.sorted()
        }

        /// Keys one filter names at most.
        public static let maximumFilterAuthors = 256
    }

    public let limits: BotConfiguration.Limits
    public let senderRule: SenderRule
    /// By key: looked up for every message, so not by its hex (an encoding and an allocation each time).
    private let operators: [PublicKey: Operator]
    /// `nostr:<npub>` per operator, stamped into commands; bech32 costs a few µs per message otherwise.
    private let sources: [PublicKey: String]
    private let anyone: Bool
    private let replyToStrangers: Bool
    private var limiter: RateLimiter<PublicKey>
    /// The resume cursors when the inbox started: a message newer than these that is too old was sent while the
    /// bot was down, and its sender is told it was not executed. Older ones are history and dropped quietly.
    private let startCursor: InboxCursor
    private let startedAt: Int64
    /// When each stranger was last answered (at most 10,000; older than an hour forgotten first).
    private var strangersAnswered: [String: Int64] = [:]

    public init(senders: Senders, limits: BotConfiguration.Limits, startCursor: InboxCursor, now: Int64) {
        var operators: [Operator] = []
        switch senders {
        case .operators(let list, let answerStrangers):
            operators = list
            anyone = false
            replyToStrangers = answerStrangers
        case .anyone:
            anyone = true
            replyToStrangers = false
        }
        self.operators = Dictionary(operators.map { ($0.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
        self.senderRule = SenderRule(openToAll: anyone || replyToStrangers, operatorKeys: Set(operators.map(\.publicKey.hex)))
        self.sources = Dictionary(operators.map { ($0.publicKey, "nostr:" + $0.publicKey.npub) }, uniquingKeysWith: { first, _ in first })
        self.limits = limits
        self.limiter = RateLimiter(perMinute: limits.commandsPerMinute)
        self.startCursor = startCursor
        self.startedAt = now
    }

    /// ``SenderRule/mayOpen(from:)``.
    public func mayOpen(from pubkey: String) -> Bool { senderRule.mayOpen(from: pubkey) }

    /// Steps 5 to 10 on a prepared event, in arrival order.
    ///
    /// `resuming`: a message another instance of a shared inbox admitted and stopped answering; seen, age and rate
    /// are not checked again (they were when it arrived), the operator, grammar and policy are.
    public mutating func admit(_ prepared: PreparedEvent, seen: Seen, now: Int64, resuming: Bool = false) -> Verdict {
        let event = prepared.event
        let message: DirectMessage
        switch prepared.stage {
        case .dropped(let reason, let detail):
            return Verdict(decision: .drop(reason: reason, detail: detail), memo: nil)
        case .undecodable(let error):
            if seen.event { return Verdict(decision: .drop(reason: .duplicate, detail: "event seen before"), memo: nil) }
            // Only what verified is recorded as seen: a forgery's id may be a real event's.
            let memo = error.carrierVerified ? Memo(ids: [event.id], messageTime: event.createdAt, batched: true) : nil
            return Verdict(decision: .drop(reason: .undecodable(error), detail: error.description), memo: memo)
        case .decoded(let decoded):
            // Checked again: a copy from another relay may have been handled since this one was prepared.
            if !resuming, seen.event { return Verdict(decision: .drop(reason: .duplicate, detail: "event seen before"), memo: nil) }
            message = decoded
        }
        if anyone { return deliver(message, event: event, seen: seen, now: now) }
        guard let op = operators[message.sender] else { return stranger(message, event: event, now: now) }
        if !resuming, message.id != event.id, seen.message {
            return Verdict(
                decision: .drop(reason: .duplicate, detail: "message seen before in another wrap", message: message),
                memo: Memo(ids: [event.id], messageTime: message.createdAt, batched: false))
        }
        if !resuming, let verdict = timeAndRate(message, op, event: event, now: now) { return verdict }
        if resuming, let verdict = size(message, op) { return verdict }
        return Verdict(decision: command(message, op, now: now), memo: nil)
    }

    /// `dm listen`: a repeat or a message older than the window is dropped; anything else is delivered.
    private func deliver(_ message: DirectMessage, event: Event, seen: Seen, now: Int64) -> Verdict {
        if message.id != event.id, seen.message {
            return Verdict(
                decision: .drop(reason: .duplicate, detail: "message seen before in another wrap", message: message),
                memo: Memo(ids: [event.id], messageTime: message.createdAt, batched: false))
        }
        let floor = startCursor.earliestMessageTime(now: startedAt, lookback: limits.maxDMAge)
        guard message.createdAt >= (message.scheme == .nip04 ? floor.nip04 : floor.nip17) else {
            return Verdict(
                decision: .drop(reason: .tooOld, detail: "sent before the window", message: message),
                memo: Memo(ids: Array(Set([event.id, message.id])), messageTime: message.createdAt, batched: false))
        }
        return Verdict(decision: .deliver(message), memo: nil)
    }

    /// A verified message from somebody who is not an operator: dropped, or answered once an hour each.
    private mutating func stranger(_ message: DirectMessage, event: Event, now: Int64) -> Verdict {
        let memo = Memo(ids: Array(Set([event.id, message.id])), messageTime: message.createdAt, batched: true)
        let sender = message.sender.hex
        if replyToStrangers, abs(now - message.createdAt) <= limits.maxDMAge, now - (strangersAnswered[sender] ?? .min / 2) >= 3600 {
            if strangersAnswered.count >= 10_000 { strangersAnswered = strangersAnswered.filter { now - $0.value < 3600 } }
            strangersAnswered[sender] = now
            return Verdict(
                decision: .answerStranger(message, text: "This bot only takes commands from its operators. Nothing was executed."),
                memo: memo)
        }
        return Verdict(
            decision: .drop(reason: .stranger, detail: "\(message.scheme.rawValue) message from \(sender.prefix(16))…, not an operator"),
            memo: memo)
    }

    /// Steps 6 to 8: age, clock skew, size, rate. `nil` when the message passes.
    private mutating func timeAndRate(_ message: DirectMessage, _ op: Operator, event: Event, now: Int64) -> Verdict? {
        let age = now - message.createdAt
        if age > limits.maxDMAge {
            let cursor = message.scheme == .nip04 ? startCursor.nip04 : startCursor.nip17
            guard message.createdAt > (cursor ?? startedAt) else {
                return Verdict(
                    decision: .drop(reason: .tooOld, detail: "sent \(age) s ago, before the last message handled", message: message),
                    memo: Self.bothIDs(message, event))
            }
            return answer(
                message, op,
                "✗ Not executed: your message is \(Self.duration(age)) old (the limit is \(Self.duration(limits.maxDMAge))). "
                    + "Send it again if you still want it.", .tooOld)
        }
        if -age > limits.clockSkew {
            return answer(
                message, op,
                "✗ Not executed: your message is dated \(Self.duration(-age)) in the future "
                    + "(allowed skew \(Self.duration(limits.clockSkew))). Check your device's clock.", .clockSkew)
        }
        if let verdict = size(message, op) { return verdict }
        switch limiter.check(op.publicKey, now: now) {
        case .allowed: return nil
        case .limited(notify: true):
            return answer(
                message, op,
                "✗ Slow down: at most \(limits.commandsPerMinute) commands a minute. "
                    + "This one was not executed; send it again in a minute.", .rateLimited)
        case .limited(notify: false):
            return Verdict(
                decision: .drop(reason: .rateLimited, detail: "over the limit; already told", message: message), memo: Self.bothIDs(message, event))
        }
    }

    /// The carrier's and the message's ids (one when they are the same), recorded with a drop; built only when a
    /// message is dropped, not for each one that passes.
    private static func bothIDs(_ message: DirectMessage, _ event: Event) -> Memo {
        Memo(ids: message.id == event.id ? [event.id] : [event.id, message.id], messageTime: message.createdAt, batched: false)
    }

    /// Step 7: the decrypted text's size.
    private func size(_ message: DirectMessage, _ op: Operator) -> Verdict? {
        guard message.text.utf8.count > limits.maxDMBytes else { return nil }
        return answer(message, op, "✗ Not executed: your message has \(message.text.utf8.count) bytes; the limit is \(limits.maxDMBytes).", .tooLarge)
    }

    /// Steps 9 and 10: the command language, then the operator's repositories and actions.
    private func command(_ message: DirectMessage, _ op: Operator, now: Int64) -> InboxDecision {
        let grammar = CommandGrammar(context: .init(defaultRepository: op.defaultRepository, aliases: op.aliases))
        let request = grammar.parse(
            message.text, source: sources[op.publicKey] ?? "nostr:" + op.publicKey.npub,
            origin: Command.Origin(eventID: message.id, createdAt: message.createdAt), receivedAt: now)
        switch request {
        case .help(let verb):
            return .answer(message, op, text: Self.help(verb), outcome: .help)
        case .whoami:
            return .answer(message, op, text: Self.whoami(op), outcome: .whoami)
        case .invalid(let problem, let usage):
            return .answer(message, op, text: "✗ \(problem)\nUsage: \(usage)", outcome: .invalid)
        case .command(let command):
            if let refusal = op.refusal(for: command) {
                return .answer(message, op, text: "✗ Refused: \(refusal). Nothing was executed.", outcome: .refused)
            }
            return .execute(message, op, command)
        }
    }

    private func answer(_ message: DirectMessage, _ op: Operator, _ text: String, _ outcome: AnswerOutcome) -> Verdict {
        Verdict(decision: .answer(message, op, text: text, outcome: outcome), memo: nil)
    }
}
