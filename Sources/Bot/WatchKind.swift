/// What an operator can watch on a repository, and the Gitea webhook events each covers (`X-Gitea-Event`, or
/// `X-Gitea-Event-Type` for reviews).
public enum WatchKind: String, Sendable, CaseIterable, Codable {
    case issues, pulls, comments, reviews, push, releases, actions

    /// What `watch` without kinds means.
    public static let defaults: [WatchKind] = [.issues, .pulls, .comments]

    /// The kind of a delivery: `X-Gitea-Event` and `X-Gitea-Event-Type`; `nil` for events nobody can watch (`fork`,
    /// `create`, `wiki`, …).
    public init?(event: String, eventType: String?) {
        let type = eventType ?? event
        switch event {
        case "issues": self = .issues
        case "pull_request" where type.hasPrefix("pull_request_review") && type != "pull_request_review_request": self = .reviews
        case "pull_request_approved", "pull_request_rejected", "pull_request_comment": self = .reviews
        case "pull_request": self = .pulls
        case "issue_comment": self = .comments
        case "push": self = .push
        case "release": self = .releases
        case "workflow_run": self = .actions
        default:
            guard type.hasPrefix("pull_request_review") else { return nil }
            self = .reviews
        }
    }
}
