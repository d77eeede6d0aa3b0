import Foundation
import Gate

/// A ``Forge`` answered by a ``GiteaSimulatorState`` in process, with no HTTP: the Gate's unit tests run the
/// exactly-once protocol on it. The same state, rules and injected faults as the HTTP simulator: a 500 fault
/// throws `unavailable`; a write "stalled" or "dropped" after commit is applied and then throws `transport` (the
/// outcome a client cannot know), after holding for the stall's seconds.
public struct SimulatedForge: Forge {
    public let state: GiteaSimulatorState
    /// The caller's token, as the HTTP simulator would receive it.
    public let token: String
    /// The user to act as (`Sudo:`), which only an administrator's token may.
    public let sudo: String?

    public init(state: GiteaSimulatorState, token: String, sudo: String? = nil) { (self.state, self.token, self.sudo) = (state, token, sudo) }

    /// One call: authentication, the next fault, then `body` on the state as the caller.
    private func call<T: Sendable>(write: Bool, _ body: @Sendable (GiteaSimulatorState, String) async throws(SimulatorFailure) -> T)
        async throws(GiteaError) -> T
    {
        let fault = await state.nextFault(write: write)
        if case .delay(let seconds) = fault { try? await Task.sleep(for: .seconds(seconds)) }
        switch fault {
        case .fail500, .fail500AtRequest, .fail500OnWrite: throw .unavailable(status: 500, message: "simulated failure")
        default: break
        }
        let login: String
        do { login = try await state.caller(token: token, sudo: sudo) } catch { throw GiteaError.from(status: error.status, message: error.message) }
        let result: T
        do { result = try await body(state, login) } catch { throw GiteaError.from(status: error.status, message: error.message) }
        switch fault {
        case .stallAfterCommit(let seconds):
            await state.holding(1)
            try? await Task.sleep(for: .seconds(seconds))
            await state.holding(-1)
            throw .transport("no answer (simulated stall after commit)")
        case .dropAfterCommit:
            throw .transport("connection closed (simulated drop after commit)")
        default:
            return result
        }
    }

    public func currentUser() async throws(GiteaError) -> GiteaUser {
        try await call(write: false) { state, login in await state.user(login) }
    }

    public func repository(_ repository: Repository) async throws(GiteaError) -> GiteaRepository {
        try await call(write: false) { state, login throws(SimulatorFailure) in try await state.repositoryOrFail(repository.description, login) }
    }

    public func user(named name: String) async throws(GiteaError) -> GiteaUser {
        try await call(write: false) { state, _ throws(SimulatorFailure) in try await state.ownerOrFail(name) }
    }

    public func issue(_ repository: Repository, _ number: Int) async throws(GiteaError) -> GiteaIssue {
        try await call(write: false) { state, _ throws(SimulatorFailure) in try await state.issueOrFail(repository.description, number) }
    }

    public func issues(_ repository: Repository, createdBy: String?, since: String?, query: String?, page: Int) async throws(GiteaError)
        -> [GiteaIssue]
    {
        var filter = GiteaSimulatorState.IssueQuery()
        (filter.state, filter.type, filter.createdBy, filter.q) = ("all", "issues", createdBy, query)
        (filter.since, filter.limit, filter.page) = (since.flatMap { ISO8601DateFormatter().date(from: $0) }, GiteaClient.pageSize, page)
        return try await call(write: false) { [filter] state, _ throws(SimulatorFailure) in try await state.listIssues(repository.description, filter)
        }
    }

    public func createIssue(_ repository: Repository, title: String, body: String, labels: [Int64], assignees: [String]) async throws(GiteaError)
        -> GiteaIssue
    {
        try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.createIssue(repository.description, login: login, title: title, body: body, labels: labels, assignees: assignees)
        }
    }

    public func editIssue(_ repository: Repository, _ number: Int, state newState: IssueState?, assignees: [String]?) async throws(GiteaError)
        -> GiteaIssue
    {
        try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.editIssue(repository.description, number, login: login, state: newState?.rawValue, assignees: assignees)
        }
    }

    public func comments(_ repository: Repository, _ number: Int, since: String?) async throws(GiteaError) -> [GiteaComment] {
        let date = since.flatMap { ISO8601DateFormatter().date(from: $0) }
        return try await call(write: false) { state, _ throws(SimulatorFailure) in
            try await state.commentsOrFail(repository.description, number, since: date)
        }
    }

    public func createComment(_ repository: Repository, _ number: Int, body: String) async throws(GiteaError) -> GiteaComment {
        try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.createComment(repository.description, number, login: login, body: body)
        }
    }

    public func labels(_ repository: Repository) async throws(GiteaError) -> (repository: [GiteaLabel], organisation: [GiteaLabel]) {
        let own = try await GiteaClient.allPages { page throws(GiteaError) in
            try await call(write: false) { state, _ throws(SimulatorFailure) in
                try await state.repositoryLabels(repository.description, limit: GiteaClient.pageSize, page: page)
            }
        }
        let organisation = try await GiteaClient.allPages { page throws(GiteaError) in
            // A user-owned repository has no organisation labels (Gitea answers 404).
            try await call(write: false) { state, _ in
                (try? await state.organisationLabels(repository.owner, limit: GiteaClient.pageSize, page: page)) ?? []
            }
        }
        return (own, organisation)
    }

    public func addLabels(_ repository: Repository, _ number: Int, ids: [Int64]) async throws(GiteaError) -> [GiteaLabel] {
        try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.addLabels(repository.description, number, login: login, ids: ids)
        }
    }

    public func removeLabel(_ repository: Repository, _ number: Int, id: Int64) async throws(GiteaError) {
        try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.removeLabel(repository.description, number, login: login, id: id)
        }
    }

    public func pullRequest(_ repository: Repository, _ number: Int) async throws(GiteaError) -> GiteaPullRequest {
        try await call(write: false) { state, _ throws(SimulatorFailure) in try await state.pullRequestOrFail(repository.description, number) }
    }

    public func merge(_ repository: Repository, _ number: Int, style: MergeStyle, headSHA: String?, deleteBranch: Bool) async throws(GiteaError)
        -> Int
    {
        try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.merge(repository.description, number, login: login, style: style.rawValue, headCommitID: headSHA)
        }
    }

    public func issueList(_ repository: Repository, _ filter: IssueFilter, pulls: Bool, limit: Int) async throws(GiteaError) -> GiteaPage<GiteaIssue>
    {
        var query = GiteaSimulatorState.IssueQuery()
        (query.state, query.type, query.labels, query.assignedTo) = (
            filter.state.rawValue, pulls ? "pulls" : "issues", filter.labels, filter.assignee
        )
        (query.q, query.limit, query.page) = (filter.text, limit, 1)
        let (items, total) = try await call(write: false) { [query] state, _ throws(SimulatorFailure) in
            try await state.listIssuesCounted(repository.description, query)
        }
        return GiteaPage(items: items, total: total)
    }

    public func workflows(_ repository: Repository) async throws(GiteaError) -> [GiteaWorkflow] {
        try await call(write: false) { state, _ throws(SimulatorFailure) in try await state.workflowsOrFail(repository.description) }.workflows ?? []
    }

    public func dispatchWorkflow(_ repository: Repository, workflow: String, ref: String, inputs: [String: String]) async throws(GiteaError)
        -> GiteaRunDetails?
    {
        try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.dispatch(repository.description, workflow: workflow, ref: ref, login: login)
        }
    }

    public func workflowRuns(_ repository: Repository, event: String?, page: Int, limit: Int) async throws(GiteaError)
        -> GiteaPage<GiteaWorkflowRun>
    {
        let list = try await call(write: false) { state, _ throws(SimulatorFailure) in
            try await state.runsOrFail(repository.description, event: event, status: nil, limit: limit, page: page)
        }
        return GiteaPage(items: list.workflowRuns ?? [], total: list.totalCount)
    }

    public func workflowRun(_ repository: Repository, id: Int64) async throws(GiteaError) -> GiteaWorkflowRun {
        try await call(write: false) { state, _ throws(SimulatorFailure) in try await state.runOrFail(repository.description, id: id) }
    }

    public func workflowJobs(_ repository: Repository, run: Int64) async throws(GiteaError) -> [GiteaWorkflowJob] {
        try await GiteaClient.allPages { page throws(GiteaError) in
            try await call(write: false) { state, _ throws(SimulatorFailure) in
                try await state.jobsOrFail(repository.description, run: run, limit: GiteaClient.pageSize, page: page)
            }.jobs ?? []
        }
    }

    public func rerunWorkflow(_ repository: Repository, run: Int64, failedOnly: Bool) async throws(GiteaError) {
        _ = try await call(write: true) { state, login throws(SimulatorFailure) in
            try await state.rerun(repository.description, run: run, failedOnly: failedOnly, login: login)
        }
    }
}
