/// What `list` and `prs` ask for: Gitea's issue list filters.
public struct IssueFilter: Hashable, Sendable {
    /// Gitea's `state` parameter.
    public enum State: String, Sendable, CaseIterable {
        case open, closed, all
    }

    public var state: State
    /// Label names (Gitea's `labels`, all must match).
    public var labels: [String]
    /// Assigned to this login (Gitea's `assigned_by`), without the `@`.
    public var assignee: String?
    /// Words for Gitea's `q` (its issue index, which can lag behind).
    public var text: String?

    public init(state: State = .open, labels: [String] = [], assignee: String? = nil, text: String? = nil) {
        (self.state, self.labels, self.assignee, self.text) = (state, labels, assignee, text)
    }
}
