/// The Gate's exactly-once protocol for one claimed ledger entry, as a value: it takes what the forge and the
/// ledger answered (and the time, and whether the task is being cancelled) and says what to do next.
/// ``GateExecutor`` carries the actions out: it calls Gitea, probes, sleeps, and writes the ledger.
///
/// Executing (the claim is fresh, or a reconciliation found nothing on Gitea):
///
/// | after                               | retries left | next action                                  |
/// |-------------------------------------|--------------|----------------------------------------------|
/// | start                               |              | `call`                                       |
/// | the call succeeded                  |              | `complete` (record done, answer)             |
/// | refused, or certainly not applied   |              | `fail` (record failed, answer)               |
/// | outcome unknown (no answer, 5xx)    |              | `probe` (look for the key on Gitea)          |
/// | probe: found                        |              | `complete` with what was found               |
/// | probe: nothing written              | yes, running | `wait` (retry delay, doubling), then `call`  |
/// | probe: nothing written              | no, or cancelled | `answer`: unknown, stays claimed         |
/// | probe failed                        |              | `answer`: unknown, stays claimed             |
///
/// Reconciling (a claim left by a crash, or taken over after its lease ran out): `probe` first; found → `complete`
/// ("found already done"); nothing written → `execute` (the executor checks the lease and starts over as above);
/// probe failed → `answer` without writing (fail closed: a probe that cannot answer must not lead to a second write).
public struct ExactlyOnceStateMachine: Sendable {
    /// Why the entry is being worked on.
    public enum Mode: Sendable, Equatable {
        case execute
        case reconcile
    }

    /// What the executor does next.
    public enum Action: Sendable, Equatable {
        /// Perform the command's write on Gitea.
        case call
        /// Look on Gitea for an earlier execution (the key in a body or comment by the bot, or the target state).
        case probe
        /// Sleep this long, then report ``Event/waited``.
        case wait(Duration)
        /// Record the entry done with this acknowledgement, and answer it.
        case complete(Ack)
        /// Record the entry failed (nothing was written), and answer this acknowledgement.
        case fail(Ack)
        /// Answer without touching the ledger: the outcome is unknown and the entry stays claimed, or a
        /// reconciliation could not ask Gitea.
        case answer(Ack)
        /// A reconciliation proved nothing was written: execute the command under its claim.
        case execute
    }

    /// What happened since the last action.
    public enum Event: Sendable, Equatable {
        /// The write succeeded.
        case called(Ack)
        /// Refused before writing, or Gitea answered that nothing was applied.
        case refused(String)
        /// No answer, or an answer that does not say whether the write happened.
        case outcomeUnknown(String)
        /// The probe's answer: what it found, or `nil` for nothing.
        case probed(Ack?)
        /// Gitea could not be asked.
        case probeFailed(String)
        /// The wait is over.
        case waited
    }

    public let command: Command
    public let key: IdempotencyKey
    public let mode: Mode
    private var retriesLeft: Int
    private var delay: Duration
    /// The last unknown outcome, for the answer when it stays unknown.
    private var unknownError = ""

    public init(command: Command, key: IdempotencyKey, mode: Mode, retries: Int, retryDelay: Duration) {
        self.command = command
        self.key = key
        self.mode = mode
        self.retriesLeft = retries
        self.delay = retryDelay
    }

    /// The first action.
    public func start() -> Action {
        mode == .execute ? .call : .probe
    }

    /// The next action after `event`, at `now` (Unix seconds); `cancelled`: the task is being cancelled (no retry
    /// then: the entry stays claimed and the next start finishes it).
    public mutating func receive(_ event: Event, now: Int64, cancelled: Bool = false) -> Action {
        switch (mode, event) {
        case (_, .called(let ack)):
            return .complete(ack)
        case (_, .refused(let message)):
            return .fail(ack(success: false, message, executedAt: now))
        case (_, .outcomeUnknown(let error)):
            unknownError = error
            return .probe
        case (.reconcile, .probed(let found)):
            guard var found else { return .execute }
            found.message = "found already done on Gitea: " + found.message
            return .complete(found)
        case (.reconcile, .probeFailed(let error)):
            return .answer(ack(success: false, "cannot check Gitea for an earlier execution (\(error)); not executed", executedAt: nil))
        case (.execute, .probed(let found?)):
            return .complete(found)
        case (.execute, .probed(nil)) where retriesLeft > 0 && !cancelled:
            retriesLeft -= 1
            defer { delay *= 2 }
            return .wait(delay)
        case (.execute, .probed), (.execute, .probeFailed):
            return .answer(
                ack(
                    success: false,
                    "\(unknownError); the outcome is unknown, so it stays claimed: the bot checks Gitea again shortly "
                        + "and finishes it without running it twice (`status \(key.short)` tells)", executedAt: nil))
        case (_, .waited):
            return .call
        }
    }

    private func ack(success: Bool, _ message: String, executedAt: Int64?) -> Ack {
        Ack(
            success: success, key: key.hex, action: command.action, repository: command.repository.description, number: command.payload.number,
            message: message, executedAt: executedAt)
    }
}
