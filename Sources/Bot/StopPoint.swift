import Foundation

/// Named points in `operator-gate run` where a crash test freezes the process, so it can SIGKILL it exactly
/// there: with `OPERATOR_GATE_TEST_STOP_AT` set to a point's name, the process stops itself (SIGSTOP) on
/// reaching that point; the test sees it stopped and kills it. Unset (production), reaching a point is one
/// comparison with `nil`.
///
/// The third crash point of the exactly-once protocol, after the Gitea write and before the ledger completes,
/// needs no hook here: the Gitea simulator holds the response after committing the write.
public enum StopPoint: String, Sendable, CaseIterable {
    /// The Gate answered (the ledger entry is done); the reply is not stored yet.
    case ledgerCompleted = "ledger-completed"
    /// The signed reply is stored with the message's processed mark; it is not published yet.
    case replyStored = "reply-stored"
    /// A webhook delivery is stored; it is neither acknowledged to Gitea nor turned into a notice yet.
    case webhookStored = "webhook-stored"

    /// The environment variable naming the point to stop at.
    public static let environmentVariable = "OPERATOR_GATE_TEST_STOP_AT"

    /// The point this process stops at, read once.
    static let armed: StopPoint? = ProcessInfo.processInfo.environment[environmentVariable].flatMap(StopPoint.init(rawValue:))

    /// Stops the process here when this is the armed point.
    static func reached(_ point: StopPoint) {
        guard armed == point else { return }
        raise(SIGSTOP)
    }
}
