/// What one relay said about one published event.
public enum PublishOutcome: Sendable, Equatable, CustomStringConvertible {
    /// `OK true`, or `OK false "duplicate: …"` (the relay already has it, which is what we wanted).
    case accepted(message: String)
    /// `OK false` with a reason that will not change on retry (`invalid:`, `blocked:`, `restricted:`, `pow:`…).
    case rejected(message: String)
    /// `OK false` with a reason worth retrying (`rate-limited:`, `error:`, `auth-required:` after AUTH failed).
    case retryable(message: String)
    /// No OK arrived in time.
    case timedOut
    /// The connection was down or dropped before an OK arrived.
    case notConnected(String)

    /// Whether the relay stored the event.
    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    /// Whether trying again later could succeed.
    public var isRetryable: Bool {
        switch self {
        case .accepted, .rejected: return false
        case .retryable, .timedOut, .notConnected: return true
        }
    }

    public var description: String {
        switch self {
        case .accepted(let message): return message.isEmpty ? "accepted" : "accepted (\(message))"
        case .rejected(let message): return message.isEmpty ? "rejected" : message
        case .retryable(let message): return message.isEmpty ? "rejected, retryable" : message
        case .timedOut: return "timed out waiting for OK"
        case .notConnected(let reason): return "not connected: \(reason)"
        }
    }

    /// Classifies an OK frame.
    public static func from(accepted: Bool, message: String) -> PublishOutcome {
        let prefix = MachineReadablePrefix(message: message)
        if accepted || prefix == .duplicate { return .accepted(message: message) }
        switch prefix {
        case .rateLimited, .error, .authRequired: return .retryable(message: message)
        default: return .rejected(message: message)
        }
    }
}
