/// Gitea 1.26's Actions API objects, as the Gate reads them (`modules/structs/repo_actions.go`; checked against the
/// OpenAPI models of PyPI's `gitea-async-sdk` 1.26.2). Unknown fields are ignored.

/// A workflow file of the repository's default branch (`GET …/actions/workflows`). Its `id` is the file name
/// (`deploy.yml`), which is also what the dispatch endpoint takes; `name` is the file's `name:` or the file name.
public struct GiteaWorkflow: Codable, Sendable, Equatable {
    public let id: String
    public let name: String
    /// `.gitea/workflows/deploy.yml`.
    public let path: String
    /// `active`, or `disabled_manually` and the like.
    public let state: String?
    public let htmlURL: String?
    enum CodingKeys: String, CodingKey {
        case id, name, path, state
        case htmlURL = "html_url"
    }
    public init(id: String, name: String, path: String, state: String?, htmlURL: String?) {
        (self.id, self.name, self.path, self.state, self.htmlURL) = (id, name, path, state, htmlURL)
    }
}

/// `GET …/actions/workflows`: `{total_count, workflows}`.
public struct GiteaWorkflowList: Codable, Sendable, Equatable {
    public let totalCount: Int?
    public let workflows: [GiteaWorkflow]?
    enum CodingKeys: String, CodingKey {
        case workflows
        case totalCount = "total_count"
    }
    public init(totalCount: Int?, workflows: [GiteaWorkflow]?) { (self.totalCount, self.workflows) = (totalCount, workflows) }
}

/// One workflow run. Runs have no creation time in 1.26 (`started_at` is Go's zero time while queued) and their
/// inputs are not visible: a run is matched to a dispatch by its `path` (`deploy.yml@refs/heads/main`) and an id
/// greater than the newest one seen before the dispatch.
public struct GiteaWorkflowRun: Codable, Sendable, Equatable {
    public let id: Int64
    /// The number people see (and the web URL uses); the API's run endpoints take ``id``.
    public let runNumber: Int?
    /// `<workflow file>@<full ref>`.
    public let path: String?
    public let event: String?
    /// `queued`, `waiting`, `in_progress` or `completed`.
    public let status: String?
    /// Once completed: `success`, `failure`, `cancelled` or `skipped`.
    public let conclusion: String?
    public let headBranch: String?
    public let htmlURL: String?
    public let startedAt: String?
    public let completedAt: String?
    enum CodingKeys: String, CodingKey {
        case id, path, event, status, conclusion
        case runNumber = "run_number"
        case headBranch = "head_branch"
        case htmlURL = "html_url"
        case startedAt = "started_at"
        case completedAt = "completed_at"
    }
    public init(
        id: Int64, runNumber: Int?, path: String?, event: String?, status: String?, conclusion: String?, headBranch: String?,
        htmlURL: String?, startedAt: String?, completedAt: String?
    ) {
        (self.id, self.runNumber, self.path, self.event, self.status, self.conclusion) = (id, runNumber, path, event, status, conclusion)
        (self.headBranch, self.htmlURL, self.startedAt, self.completedAt) = (headBranch, htmlURL, startedAt, completedAt)
    }

    /// The workflow file of ``path`` (before the `@`).
    public var workflowFile: String? { path.map { String($0.split(separator: "@", maxSplits: 1).first ?? "") } }

    /// The ref of ``path`` (after the `@`), e.g. `refs/heads/main`.
    public var ref: String? {
        guard let path, let at = path.firstIndex(of: "@") else { return nil }
        return String(path[path.index(after: at)...])
    }

    /// Whether the run ran `workflow` (a file name, compared without case) on `ref` (a branch or tag name, or a full
    /// `refs/…` name).
    public func matches(workflow: String, ref wanted: String) -> Bool {
        guard workflowFile?.lowercased() == workflow.lowercased(), let ref else { return false }
        return ref == wanted || ref == "refs/heads/" + wanted || ref == "refs/tags/" + wanted
    }
}

/// `GET …/actions/runs`: `{total_count, workflow_runs}`.
public struct GiteaWorkflowRunList: Codable, Sendable, Equatable {
    public let totalCount: Int?
    public let workflowRuns: [GiteaWorkflowRun]?
    enum CodingKeys: String, CodingKey {
        case totalCount = "total_count"
        case workflowRuns = "workflow_runs"
    }
    public init(totalCount: Int?, workflowRuns: [GiteaWorkflowRun]?) { (self.totalCount, self.workflowRuns) = (totalCount, workflowRuns) }
}

/// One job of a run. `run_attempt` grows by one each time the job is rerun: the Gate's proof that a rerun happened.
public struct GiteaWorkflowJob: Codable, Sendable, Equatable {
    public let id: Int64
    public let name: String?
    public let status: String?
    public let conclusion: String?
    public let runAttempt: Int?
    enum CodingKeys: String, CodingKey {
        case id, name, status, conclusion
        case runAttempt = "run_attempt"
    }
    public init(id: Int64, name: String?, status: String?, conclusion: String?, runAttempt: Int?) {
        (self.id, self.name, self.status, self.conclusion, self.runAttempt) = (id, name, status, conclusion, runAttempt)
    }
}

/// `GET …/actions/runs/{run}/jobs`: `{total_count, jobs}`.
public struct GiteaWorkflowJobList: Codable, Sendable, Equatable {
    public let totalCount: Int?
    public let jobs: [GiteaWorkflowJob]?
    enum CodingKeys: String, CodingKey {
        case jobs
        case totalCount = "total_count"
    }
    public init(totalCount: Int?, jobs: [GiteaWorkflowJob]?) { (self.totalCount, self.jobs) = (totalCount, jobs) }
}

/// The dispatch's answer with `?return_run_details=true` (200): the run it created.
public struct GiteaRunDetails: Codable, Sendable, Equatable {
    public let workflowRunID: Int64?
    public let runURL: String?
    public let htmlURL: String?
    enum CodingKeys: String, CodingKey {
        case workflowRunID = "workflow_run_id"
        case runURL = "run_url"
        case htmlURL = "html_url"
    }
    public init(workflowRunID: Int64?, runURL: String?, htmlURL: String?) {
        (self.workflowRunID, self.runURL, self.htmlURL) = (workflowRunID, runURL, htmlURL)
    }
}

/// One page of a list and, when Gitea sent `X-Total-Count`, how many match in all.
public struct GiteaPage<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int?
    public init(items: [Item], total: Int?) { (self.items, self.total) = (items, total) }
}

/// A repository webhook (`GET|POST /repos/{o}/{r}/hooks`); `config.url` is where Gitea delivers.
public struct GiteaHook: Codable, Sendable, Equatable {
    public let id: Int64
    public let type: String?
    public let active: Bool?
    public let events: [String]?
    public let config: [String: String]?
    public init(id: Int64, type: String?, active: Bool?, events: [String]?, config: [String: String]?) {
        (self.id, self.type, self.active, self.events, self.config) = (id, type, active, events, config)
    }
}
