/// The state an acknowledgement reports: what the command left its issue or pull request as, or, for `status`,
/// the ledger entry's state. Stored in the ledger's results as the raw value (the JSON is unchanged).
public enum AckState: String, Codable, Sendable, Equatable {
    /// An issue or pull request that is open or closed (Gitea's `state`).
    case open, closed
    /// A merged pull request.
    case merged
    /// A merge Gitea scheduled for when the checks succeed.
    case scheduled
    /// A ledger entry's state (`status`).
    case claimed, done, failed

    /// Gitea's `state` of an issue or pull request (`open` or `closed`; `nil` for anything else).
    public init?(gitea state: String) { self.init(rawValue: state == "open" || state == "closed" ? state : "") }

    /// A ledger entry's state.
    public init(_ state: LedgerEntry.State) {
        switch state {
        case .claimed: self = .claimed
        case .done: self = .done
        case .failed: self = .failed
        }
    }
}
