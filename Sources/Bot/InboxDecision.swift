import Gate
import NostrCore
import NostrIngress

/// What the bot does with one inbound event (``InboxPipeline/admit(_:now:)``).
public enum InboxDecision: Sendable {
    /// Nothing to do and nobody to answer: not for us, a stranger, a forgery, a repeat.
    /// `message` is set when an operator's message was decrypted before it was dropped (a repeat, too old, rate limited).
    case drop(reason: InboxDropReason, detail: String, message: DirectMessage? = nil)
    /// An operator's message answered by the bot itself (help, whoami, a parse error, a refusal, a limit).
    case answer(DirectMessage, Operator, text: String, outcome: AnswerOutcome)
    /// A stranger's decrypted message, answered because `reply_to_strangers` is on (at most once an hour each).
    case answerStranger(DirectMessage, text: String)
    /// An operator's command, allowed by policy: run it through the Gate, then answer with the acknowledgement.
    case execute(DirectMessage, Operator, Command)
    /// A message handed on as it is, from any sender (``InboxPolicy/Senders/anyone``, `dm listen`); the bot's
    /// policy never delivers.
    case deliver(DirectMessage)

    /// The message the decision is about, when it reaches an answer, an execution or a delivery.
    public var message: DirectMessage? {
        switch self {
        case .drop: return nil
        case .answer(let message, _, _, _), .answerStranger(let message, _), .execute(let message, _, _), .deliver(let message):
            return message
        }
    }

    /// Why the event was dropped, when it was.
    public var dropReason: InboxDropReason? {
        if case .drop(let reason, _, _) = self { return reason }
        return nil
    }

    /// The metrics label of a drop or answer, or `execute` (`deliver` for a delivery).

    public var label: String {
        switch self {
        case .drop(let reason, _, _): return reason.label
        case .answer(_, _, _, let outcome): return outcome.rawValue
        case .answerStranger: return "stranger_answered"
        case .execute: return "execute"
        case .deliver: return "deliver"
        }
    }
}
