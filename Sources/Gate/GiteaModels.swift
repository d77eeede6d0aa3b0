/// The parts of Gitea 1.26's API objects the Gate reads. Unknown fields are ignored.
public struct GiteaUser: Codable, Sendable, Equatable {
    public let id: Int64
    public let login: String
    public init(id: Int64, login: String) { self.id = id; self.login = login }
}

public struct GiteaLabel: Codable, Sendable, Equatable {
    public let id: Int64
    public let name: String
    public init(id: Int64, name: String) { self.id = id; self.name = name }
}

public struct GiteaIssue: Codable, Sendable, Equatable {
    public struct PullRequestRef: Codable, Sendable, Equatable {
        public let merged: Bool?
        public let draft: Bool?
        public let html_url: String?
        public init(merged: Bool?, draft: Bool?, html_url: String?) { self.merged = merged; self.draft = draft; self.html_url = html_url }
    }
    public let id: Int64
    public let number: Int
    public let title: String
    public let body: String?
    /// "open" or "closed".
    public let state: String
    public let html_url: String
    public let user: GiteaUser
    public let assignees: [GiteaUser]?
    public let labels: [GiteaLabel]?
    public let pull_request: PullRequestRef?
    public let created_at: String

    public init(id: Int64, number: Int, title: String, body: String?, state: String, html_url: String, user: GiteaUser,
                assignees: [GiteaUser]?, labels: [GiteaLabel]?, pull_request: PullRequestRef?, created_at: String) {
        self.id = id; self.number = number; self.title = title; self.body = body; self.state = state; self.html_url = html_url
        self.user = user; self.assignees = assignees; self.labels = labels; self.pull_request = pull_request; self.created_at = created_at
    }
}

public struct GiteaComment: Codable, Sendable, Equatable {
    public let id: Int64
    public let body: String
    public let html_url: String
    public let user: GiteaUser
    public let created_at: String
    public init(id: Int64, body: String, html_url: String, user: GiteaUser, created_at: String) {
        self.id = id; self.body = body; self.html_url = html_url; self.user = user; self.created_at = created_at
    }
}

public struct GiteaPullRequest: Codable, Sendable, Equatable {
    public struct Branch: Codable, Sendable, Equatable {
        public let ref: String
        public let sha: String
        public init(ref: String, sha: String) { self.ref = ref; self.sha = sha }
    }
    public let number: Int
    public let title: String
    public let state: String
    public let merged: Bool
    public let mergeable: Bool
    public let draft: Bool?
    public let head: Branch
    public let html_url: String
    public init(number: Int, title: String, state: String, merged: Bool, mergeable: Bool, draft: Bool?, head: Branch, html_url: String) {
        self.number = number; self.title = title; self.state = state; self.merged = merged; self.mergeable = mergeable
        self.draft = draft; self.head = head; self.html_url = html_url
    }
}

/// Gitea's error body.
struct GiteaAPIError: Decodable {
    let message: String?
}

/// A repository as the token's user sees it (`GET /repos/{owner}/{repo}`): only what `doctor` checks.
public struct GiteaRepository: Codable, Sendable, Equatable {
    public struct Permissions: Codable, Sendable, Equatable {
        public let admin: Bool
        public let push: Bool
        public let pull: Bool
        public init(admin: Bool, push: Bool, pull: Bool) { self.admin = admin; self.push = push; self.pull = pull }
    }
    public let full_name: String
    public let permissions: Permissions?
    public init(full_name: String, permissions: Permissions?) { self.full_name = full_name; self.permissions = permissions }
}
