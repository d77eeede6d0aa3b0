/// The forge the Gate writes to: the Gitea API calls it makes, in Gitea's shapes. ``GiteaClient`` is the real one
/// (HTTP); `GiteaSimulator`'s `SimulatedForge` answers from the simulator's state in process, for the Gate's unit
/// tests. Every failure is a ``GiteaError``, whose ``GiteaError/certainlyNotApplied`` tells the Gate whether a
/// write may have happened.
public protocol Forge: Sendable {
    /// The token's user (the bot's login).
    func currentUser() async throws(GiteaError) -> GiteaUser
    /// The repository with the token user's permissions on it.
    func repository(_ repository: Repository) async throws(GiteaError) -> GiteaRepository
    /// A user or organisation by name.
    func user(named name: String) async throws(GiteaError) -> GiteaUser
    func issue(_ repository: Repository, _ number: Int) async throws(GiteaError) -> GiteaIssue
    /// One page (``GiteaClient/pageSize`` items) of issues, not pull requests, in any state, optionally by creator
    /// and updated since an RFC 3339 time.
    func issues(_ repository: Repository, createdBy: String?, since: String?, query: String?, page: Int) async throws(GiteaError) -> [GiteaIssue]
    func createIssue(_ repository: Repository, title: String, body: String, labels: [Int64], assignees: [String]) async throws(GiteaError)
        -> GiteaIssue
    func editIssue(_ repository: Repository, _ number: Int, state: IssueState?, assignees: [String]?) async throws(GiteaError) -> GiteaIssue
    /// All comments of an issue, optionally updated since an RFC 3339 time.
    func comments(_ repository: Repository, _ number: Int, since: String?) async throws(GiteaError) -> [GiteaComment]
    func createComment(_ repository: Repository, _ number: Int, body: String) async throws(GiteaError) -> GiteaComment
    /// Every label of the repository, and of its owner when the owner is an organisation.
    func labels(_ repository: Repository) async throws(GiteaError) -> (repository: [GiteaLabel], organisation: [GiteaLabel])
    func addLabels(_ repository: Repository, _ number: Int, ids: [Int64]) async throws(GiteaError) -> [GiteaLabel]
    func removeLabel(_ repository: Repository, _ number: Int, id: Int64) async throws(GiteaError)
    func pullRequest(_ repository: Repository, _ number: Int) async throws(GiteaError) -> GiteaPullRequest
    /// Merges; returns the HTTP status (200 merged, 201 scheduled for when checks succeed).
    func merge(_ repository: Repository, _ number: Int, style: MergeStyle, headSHA: String?, deleteBranch: Bool) async throws(GiteaError) -> Int
    /// One page of issues (`pulls` false) or pull requests matching `filter`, newest first, with the total count.
    func issueList(_ repository: Repository, _ filter: IssueFilter, pulls: Bool, limit: Int) async throws(GiteaError) -> GiteaPage<GiteaIssue>

    // MARK: Actions

    /// The workflows of the default branch.
    func workflows(_ repository: Repository) async throws(GiteaError) -> [GiteaWorkflow]
    /// Dispatches `workflow` (its file name) on `ref`, asking for the run's details (`nil` when Gitea answered 204).
    func dispatchWorkflow(_ repository: Repository, workflow: String, ref: String, inputs: [String: String]) async throws(GiteaError)
        -> GiteaRunDetails?
    /// One page of runs, newest first, optionally of one event (`workflow_dispatch`).
    func workflowRuns(_ repository: Repository, event: String?, page: Int, limit: Int) async throws(GiteaError) -> GiteaPage<GiteaWorkflowRun>
    func workflowRun(_ repository: Repository, id: Int64) async throws(GiteaError) -> GiteaWorkflowRun
    func workflowJobs(_ repository: Repository, run: Int64) async throws(GiteaError) -> [GiteaWorkflowJob]
    /// Reruns a completed run, or only its failed jobs.
    func rerunWorkflow(_ repository: Repository, run: Int64, failedOnly: Bool) async throws(GiteaError)
}

extension Forge {
    public func issues(_ repository: Repository, createdBy: String?, since: String?, page: Int) async throws(GiteaError) -> [GiteaIssue] {
        try await issues(repository, createdBy: createdBy, since: since, query: nil, page: page)
    }

    public func editIssue(_ repository: Repository, _ number: Int, state: IssueState) async throws(GiteaError) -> GiteaIssue {
        try await editIssue(repository, number, state: state, assignees: nil)
    }

    public func editIssue(_ repository: Repository, _ number: Int, assignees: [String]) async throws(GiteaError) -> GiteaIssue {
        try await editIssue(repository, number, state: nil, assignees: assignees)
    }
}
