/// A command waiting for its operator's `yes`: stored in the ledger's database (so it survives a restart and is
/// shared by instances on PostgreSQL) with the code the operator was given and what the target looked like.
public struct PendingConfirmation: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Waiting for `yes` or `no`.
        case pending
        /// Confirmed: the command went to the Gate (a repeated `yes` gets the Gate's answer again).
        case confirmed
        /// Declined with `no`: nothing executed.
        case declined
        /// The target changed between the preview and the `yes`: nothing executed.
        case stale
    }

    /// The code, normalized (``ConfirmationCode/normalize(_:)``).
    public let code: String
    /// Who may confirm: the command's `source` (`nostr:npub…`).
    public let source: String
    /// The command to execute, as JSON (``Command/jsonString``), with what the preview pinned (a merge's head).
    public let command: String
    /// What the target looked like at the preview (``TargetSnapshot``, JSON).
    public let snapshot: String
    public let createdAt: Int64
    public let expiresAt: Int64
    public var state: State

    public init(code: String, source: String, command: String, snapshot: String, createdAt: Int64, expiresAt: Int64, state: State = .pending) {
        (self.code, self.source, self.command, self.snapshot) = (code, source, command, snapshot)
        (self.createdAt, self.expiresAt, self.state) = (createdAt, expiresAt, state)
    }
}
