/// The parts of Gitea 1.26's API objects the Gate reads. Unknown fields are ignored. Properties are Swift-cased;
/// each type's `CodingKeys` holds Gitea's snake_case names.
public struct GiteaUser: Codable, Sendable, Equatable {
    public let id: Int64
    public let login: String
    public init(id: Int64, login: String) { (self.id, self.login) = (id, login) }
}

public struct GiteaLabel: Codable, Sendable, Equatable {
    public let id: Int64
    public let name: String
    public init(id: Int64, name: String) { (self.id, self.name) = (id, name) }
}

public struct GiteaIssue: Codable, Sendable, Equatable {
    public struct PullRequestRef: Codable, Sendable, Equatable {
        public let merged: Bool?
        public let draft: Bool?
        public let htmlURL: String?
        public init(merged: Bool?, draft: Bool?, htmlURL: String?) { (self.merged, self.draft, self.htmlURL) = (merged, draft, htmlURL) }
        enum CodingKeys: String, CodingKey {
            case merged, draft
            case htmlURL = "html_url"
        }
    }
    public let id: Int64
    public let number: Int
    public let title: String
    public let body: String?
    /// "open" or "closed".
    public let state: String
    public let htmlURL: String
    public let user: GiteaUser
    public let assignees: [GiteaUser]?
    public let labels: [GiteaLabel]?
    public let pullRequest: PullRequestRef?
    public let createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, number, title, body, state, user, assignees, labels
        case htmlURL = "html_url"
        case pullRequest = "pull_request"
        case createdAt = "created_at"
    }

    public init(
        id: Int64, number: Int, title: String, body: String?, state: String, htmlURL: String, user: GiteaUser,
        assignees: [GiteaUser]?, labels: [GiteaLabel]?, pullRequest: PullRequestRef?, createdAt: String
    ) {
        self.id = id
        self.number = number
        self.title = title
        self.body = body
        self.state = state
        self.htmlURL = htmlURL
        self.user = user
        self.assignees = assignees
        self.labels = labels
        self.pullRequest = pullRequest
        self.createdAt = createdAt
    }
}

public struct GiteaComment: Codable, Sendable, Equatable {
    public let id: Int64
    public let body: String
    public let htmlURL: String
    public let user: GiteaUser
    public let createdAt: String
    enum CodingKeys: String, CodingKey {
        case id, body, user
        case htmlURL = "html_url"
        case createdAt = "created_at"
    }
    public init(id: Int64, body: String, htmlURL: String, user: GiteaUser, createdAt: String) {
        (self.id, self.body, self.htmlURL, self.user, self.createdAt) = (id, body, htmlURL, user, createdAt)
    }
}

public struct GiteaPullRequest: Codable, Sendable, Equatable {
    public struct Branch: Codable, Sendable, Equatable {
        public let ref: String
        public let sha: String
        public init(ref: String, sha: String) { (self.ref, self.sha) = (ref, sha) }
    }
    public let number: Int
    public let title: String
    public let state: String
    public let merged: Bool
    public let mergeable: Bool
    public let draft: Bool?
    public let head: Branch
    public let htmlURL: String
    /// The size of the change, for a merge's confirmation preview.
    public let changedFiles: Int?
    public let additions: Int?
    public let deletions: Int?
    enum CodingKeys: String, CodingKey {
        case number, title, state, merged, mergeable, draft, head, additions, deletions
        case htmlURL = "html_url"
        case changedFiles = "changed_files"
    }
    public init(
        number: Int, title: String, state: String, merged: Bool, mergeable: Bool, draft: Bool?, head: Branch, htmlURL: String,
        changedFiles: Int? = nil, additions: Int? = nil, deletions: Int? = nil
    ) {
        (self.changedFiles, self.additions, self.deletions) = (changedFiles, additions, deletions)
        self.number = number
        self.title = title
        self.state = state
        self.merged = merged
        self.mergeable = mergeable
        self.draft = draft
        self.head = head
        self.htmlURL = htmlURL
    }
}

/// Gitea's error body.
struct GiteaAPIError: Decodable {
    let message: String?
}

/// A repository as the token's user sees it (`GET /repos/{owner}/{repo}`): what `doctor` checks and what workflow
/// dispatch needs.
public struct GiteaRepository: Codable, Sendable, Equatable {
    public struct Permissions: Codable, Sendable, Equatable {
        public let admin: Bool
        public let push: Bool
        public let pull: Bool
        public init(admin: Bool, push: Bool, pull: Bool) { (self.admin, self.push, self.pull) = (admin, push, pull) }
    }
    public let fullName: String
    public let permissions: Permissions?
    /// The branch a workflow runs on when no ref is given.
    public let defaultBranch: String?
    /// The repository's web page.
    public let htmlURL: String?
    enum CodingKeys: String, CodingKey {
        case permissions
        case fullName = "full_name"
        case defaultBranch = "default_branch"
        case htmlURL = "html_url"
    }
    public init(fullName: String, permissions: Permissions?, defaultBranch: String? = nil, htmlURL: String? = nil) {
        (self.fullName, self.permissions, self.defaultBranch, self.htmlURL) = (fullName, permissions, defaultBranch, htmlURL)
    }
}
