/// What the bot answered without executing anything. The raw value is the metrics label
/// (`answers_total{outcome}`) and the action `replay` prints.
public enum AnswerOutcome: String, Sendable, CaseIterable {
    /// Written before the last message handled, and not a repeat: the operator is asked to send it again.
    case tooOld = "too_old"
    /// Its time is further from the bot's clock than the allowed skew.
    case clockSkew = "clock_skew"
    /// Longer than `max_dm_bytes`.
    case tooLarge = "too_large"
    /// Over the operator's rate limit (told once per window).
    case rateLimited = "rate_limited"
    /// `help`, or `help VERB`.
    case help
    /// `whoami`.
    case whoami
    /// Not a command of the language: the usage is the answer.
    case invalid
    /// A command the operator may not run on that repository.
    case refused

    /// What the operator asked for (help, whoami), as opposed to a refusal or a limit.
    public var isInformational: Bool { self == .help || self == .whoami }
}
