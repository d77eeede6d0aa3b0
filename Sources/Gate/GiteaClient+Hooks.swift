/// Repository webhooks: what `operator-gate webhook install` creates and `doctor` checks.
extension GiteaClient {
    /// The events a hook for the bot asks for: everything ``WatchKind`` and personal notices read.
    public static let hookEvents = [
        "issues", "issue_assign", "issue_comment", "pull_request", "pull_request_assign", "pull_request_comment", "pull_request_review",
        "pull_request_review_request", "push", "release", "workflow_run"
    ]

    /// Every hook of the repository (paged through).
    public func hooks(_ repository: Repository) async throws(GiteaError) -> [GiteaHook] {
        try await Self.allPages { page throws(GiteaError) in
            try decode(
                [GiteaHook].self, try await send(.get, path(repository, "/hooks"), query: [("page", "\(page)"), ("limit", "\(Self.pageSize)")]).0)
        }
    }

    struct CreateHook: Encodable, Sendable {
        let type: String
        let config: [String: String]
        let events: [String]
        let active: Bool
    }
    /// Creates an active `gitea` hook delivering JSON to `url`, signed with `secret`.
    public func createHook(_ repository: Repository, url: String, secret: String, events: [String] = hookEvents) async throws(GiteaError)
        -> GiteaHook
    {
        try decode(
            GiteaHook.self,
            try await send(
                .post, path(repository, "/hooks"),
                body: CreateHook(type: "gitea", config: ["url": url, "content_type": "json", "secret": secret], events: events, active: true)
            ).0)
    }
}
