import Foundation

/// Lists and Gitea Actions: issue and pull request lists with their total, workflows, runs, jobs, dispatch and
/// rerun (Gitea 1.26's `…/actions/…` endpoints).
extension GiteaClient {
    public func issueList(_ repository: Repository, _ filter: IssueFilter, pulls: Bool, limit: Int) async throws(GiteaError) -> GiteaPage<GiteaIssue>
    {
        var query: [(String, String)] = [
            ("state", filter.state.rawValue), ("type", pulls ? "pulls" : "issues"), ("page", "1"), ("limit", "\(min(limit, Self.pageSize))")
        ]
        if !filter.labels.isEmpty { query.append(("labels", filter.labels.joined(separator: ","))) }
        if let assignee = filter.assignee { query.append(("assigned_by", assignee)) }
        if let text = filter.text { query.append(("q", text)) }
        let response = try await exchange(.get, path(repository, "/issues"), query: query)
        return GiteaPage(items: try decode([GiteaIssue].self, response.body), total: response.totalCount)
    }

    public func workflows(_ repository: Repository) async throws(GiteaError) -> [GiteaWorkflow] {
        try decode(GiteaWorkflowList.self, try await send(.get, path(repository, "/actions/workflows")).0).workflows ?? []
    }

    struct Dispatch: Encodable, Sendable {
        let ref: String
        let inputs: [String: String]
    }
    public func dispatchWorkflow(_ repository: Repository, workflow: String, ref: String, inputs: [String: String]) async throws(GiteaError)
        -> GiteaRunDetails?
    {
        let escaped = workflow.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? workflow
        let (data, status) = try await send(
            .post, path(repository, "/actions/workflows/\(escaped)/dispatches"), query: [("return_run_details", "true")],
            body: Dispatch(ref: ref, inputs: inputs))
        // 204 from a server that ignores return_run_details: dispatched, run unknown.
        return status == 204 || data.isEmpty ? nil : try? decode(GiteaRunDetails.self, data)
    }

    public func workflowRuns(_ repository: Repository, event: String?, page: Int, limit: Int) async throws(GiteaError)
        -> GiteaPage<GiteaWorkflowRun>
    {
        var query = [("page", "\(page)"), ("limit", "\(min(limit, Self.pageSize))")]
        if let event { query.append(("event", event)) }
        let list = try decode(GiteaWorkflowRunList.self, try await send(.get, path(repository, "/actions/runs"), query: query).0)
        return GiteaPage(items: list.workflowRuns ?? [], total: list.totalCount)
    }

    public func workflowRun(_ repository: Repository, id: Int64) async throws(GiteaError) -> GiteaWorkflowRun {
        try decode(GiteaWorkflowRun.self, try await send(.get, path(repository, "/actions/runs/\(id)")).0)
    }

    public func workflowJobs(_ repository: Repository, run: Int64) async throws(GiteaError) -> [GiteaWorkflowJob] {
        try await Self.allPages { page throws(GiteaError) in
            try decode(
                GiteaWorkflowJobList.self,
                try await send(.get, path(repository, "/actions/runs/\(run)/jobs"), query: [("page", "\(page)"), ("limit", "\(Self.pageSize)")]).0
            ).jobs ?? []
        }
    }

    public func rerunWorkflow(_ repository: Repository, run: Int64, failedOnly: Bool) async throws(GiteaError) {
        _ = try await send(.post, path(repository, "/actions/runs/\(run)/" + (failedOnly ? "rerun-failed-jobs" : "rerun")))
    }
}
