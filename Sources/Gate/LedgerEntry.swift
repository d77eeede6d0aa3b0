/// One command's record in the ledger.
public struct LedgerEntry: Hashable, Sendable {
    /// `claimed` is written (durably) before Gitea is touched; `done` and `failed` after.
    public enum State: String, Sendable, Codable {
        /// Execution started; the outcome is unknown until completed or reconciled by a probe.
        case claimed
        /// Executed (or found executed by a probe); `result` holds what to tell the operator.
        case done
        /// Refused by Gitea or by a rule, with nothing written; `error` says why.
        case failed
    }

    /// Row id (monotonic).
    public let id: Int64
    public let key: IdempotencyKey
    /// The carrying event id, unique across the ledger.
    public let originEventID: String?
    public let action: GateAction
    public let repository: String
    /// The command as JSON (``Command/jsonString``), so recovery can re-run it.
    public let command: String
    public var state: State
    /// Unix seconds.
    public let claimedAt: Int64
    public var completedAt: Int64?
    /// Result JSON (the Ack) once done.
    public var result: String?
    /// Why it failed.
    public var error: String?

    /// For ledger backends outside this module.
    public init(
        id: Int64, key: IdempotencyKey, originEventID: String?, action: GateAction, repository: String, command: String,
        state: State, claimedAt: Int64, completedAt: Int64? = nil, result: String? = nil, error: String? = nil
    ) {
        self.id = id
        self.key = key
        self.originEventID = originEventID
        self.action = action
        self.repository = repository
        self.command = command
        self.state = state
        self.claimedAt = claimedAt
        self.completedAt = completedAt
        self.result = result
        self.error = error
    }
}

/// What a claim attempt found.
public enum ClaimOutcome: Sendable, Equatable {
    /// New: execute it.
    case claimed(LedgerEntry)
    /// The carrying event was handled before (whatever the command says now): never again.
    case originSeen(LedgerEntry)
    /// An identical command ran (or is running) inside the duplicate window: answer with its result.
    case duplicate(LedgerEntry)
}
