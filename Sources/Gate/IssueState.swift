/// An issue's or pull request's state as Gitea names it (`state` in its JSON and in an edit).
public enum IssueState: String, Sendable, Codable, CaseIterable {
    case open, closed

    /// What an operator reads when the Gate moved an issue to this state.
    var verb: String {
        switch self {
        case .open: "reopened"
        case .closed: "closed"
        }
    }

    /// The line the Gate's proof comment ends with after the change.
    var proofLine: String {
        switch self {
        case .open: "Reopened."
        case .closed: "Closed."
        }
    }
}
