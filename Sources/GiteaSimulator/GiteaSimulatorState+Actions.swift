import Foundation
import Gate

/// Gitea Actions as the simulator runs them: workflows of the default branch, runs created by dispatch, jobs that
/// are queued for the first half of ``GiteaSimulatorState/jobDuration``, in progress for the second, then finished
/// (computed when read: no timers), and reruns of a whole run or of its failed jobs.
extension GiteaSimulatorState {
    struct Workflow: Sendable {
        var file: String
        var name: String
        var jobs: [String]
        /// Jobs that fail at their first attempt and succeed when rerun.
        var flaky: Set<String>
    }

    struct Run: Sendable {
        var id: Int64
        var number: Int
        var workflow: String
        /// Full ref, e.g. `refs/heads/main`.
        var ref: String
        var trigger: String
        var jobs: [Job]
    }

    struct Job: Sendable {
        var id: Int64
        var name: String
        var attempt: Int
        var queuedAt: Date
        var failsAtFirstAttempt: Bool
    }

    /// Adds a workflow file to `repository`'s default branch.
    public func addWorkflow(_ repository: String, file: String, name: String, jobs: [String], flaky: Set<String> = []) {
        repos[repository.lowercased(), default: Repo()].workflows.append(Workflow(file: file, name: name, jobs: jobs, flaky: flaky))
    }

    /// How long jobs take from now on (tests shorten it).
    public func setJobDuration(_ seconds: TimeInterval) { jobDuration = seconds }

    /// Adds a branch workflows may run on.
    public func addBranch(_ repository: String, _ branch: String) {
        repos[repository.lowercased(), default: Repo()].branches.insert(branch)
    }

    /// How many runs `repository` has (tests count dispatches).
    public func runCount(_ repository: String) -> Int { repos[repository.lowercased()]?.runs.count ?? 0 }

    func workflowsOrFail(_ name: String) throws(SimulatorFailure) -> GiteaWorkflowList {
        guard let repo = repo(name) else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
        let workflows = repo.workflows.map { workflow in
            GiteaWorkflow(
                id: workflow.file, name: workflow.name, path: ".gitea/workflows/\(workflow.file)", state: "active",
                htmlURL: "\(baseURL)/\(name)/src/branch/\(repo.defaultBranch)/.gitea/workflows/\(workflow.file)")
        }
        return GiteaWorkflowList(totalCount: workflows.count, workflows: workflows)
    }

    /// Dispatches `workflow` on `ref` (a branch name or a full `refs/heads/…`), as `login`.
    func dispatch(_ name: String, workflow file: String, ref: String, login: String) throws(SimulatorFailure) -> GiteaRunDetails {
        guard let repo = repo(name) else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
        guard repo.writers.contains(login.lowercased()) else { throw SimulatorFailure(status: 403, message: "user should have write permission") }
        guard let workflow = repo.workflows.first(where: { $0.file == file }) else {
            throw SimulatorFailure(status: 404, message: "workflow \"\(file)\" not found")
        }
        guard !ref.isEmpty else { throw SimulatorFailure(status: 422, message: "ref is required") }
        let branch = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
        guard repo.branches.contains(branch) else { throw SimulatorFailure(status: 404, message: "ref \"\(ref)\" not found") }
        let id = newID()
        var number = 0
        update(name) { repo in
            number = repo.nextRunNumber
            repo.nextRunNumber += 1
            let jobs = workflow.jobs.enumerated().map { index, job in
                Job(id: id * 100 + Int64(index), name: job, attempt: 1, queuedAt: Date(), failsAtFirstAttempt: workflow.flaky.contains(job))
            }
            repo.runs.append(Run(id: id, number: number, workflow: file, ref: "refs/heads/" + branch, trigger: login, jobs: jobs))
        }
        recordWrite("POST", "/repos/\(name)/actions/workflows/\(file)/dispatches")
        return GiteaRunDetails(
            workflowRunID: id, runURL: "\(baseURL)/api/v1/repos/\(name)/actions/runs/\(id)", htmlURL: "\(baseURL)/\(name)/actions/runs/\(number)")
    }

    /// Runs newest first, filtered by event (only `workflow_dispatch` runs exist here) and status, paged.
    func runsOrFail(_ name: String, event: String?, status: String?, limit: Int, page: Int) throws(SimulatorFailure) -> GiteaWorkflowRunList {
        guard let repo = repo(name) else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
        let now = Date()
        let all = repo.runs.sorted { $0.id > $1.id }.map { json($0, repository: name, now: now) }.filter { run in
            (event == nil || event == run.event) && (status == nil || status == run.status || status == run.conclusion)
        }
        return GiteaWorkflowRunList(totalCount: all.count, workflowRuns: Self.page(all, limit: min(50, max(1, limit)), page: max(1, page)))
    }

    func runOrFail(_ name: String, id: Int64) throws(SimulatorFailure) -> GiteaWorkflowRun {
        guard let run = repo(name)?.runs.first(where: { $0.id == id }) else { throw SimulatorFailure(status: 404, message: "run not found") }
        return json(run, repository: name, now: Date())
    }

    func jobsOrFail(_ name: String, run id: Int64, limit: Int = 50, page: Int = 1) throws(SimulatorFailure) -> GiteaWorkflowJobList {
        guard let run = repo(name)?.runs.first(where: { $0.id == id }) else { throw SimulatorFailure(status: 404, message: "run not found") }
        let now = Date()
        let jobs = run.jobs.map { job in
            let (status, conclusion) = Self.status(job, now: now, duration: jobDuration)
            return GiteaWorkflowJob(id: job.id, name: job.name, status: status, conclusion: conclusion, runAttempt: job.attempt)
        }
        return GiteaWorkflowJobList(totalCount: jobs.count, jobs: Self.page(jobs, limit: min(50, max(1, limit)), page: max(1, page)))
    }

    /// Reruns every job of a finished run, or only its failed ones (Gitea answers 400 while the run is going).
    func rerun(_ name: String, run id: Int64, failedOnly: Bool, login: String) throws(SimulatorFailure) -> GiteaWorkflowRun {
        guard let repo = repo(name), let index = repo.runs.firstIndex(where: { $0.id == id }) else {
            throw SimulatorFailure(status: 404, message: "run not found")
        }
        guard repo.writers.contains(login.lowercased()) else { throw SimulatorFailure(status: 403, message: "user should have write permission") }
        let now = Date()
        let states = repo.runs[index].jobs.map { Self.status($0, now: now, duration: jobDuration) }
        guard states.allSatisfy({ $0.status == "completed" }) else { throw SimulatorFailure(status: 400, message: "run is not done") }
        update(name) { repo in
            for (job, state) in zip(repo.runs[index].jobs.indices, states) where !failedOnly || state.conclusion != "success" {
                repo.runs[index].jobs[job].attempt += 1
                repo.runs[index].jobs[job].queuedAt = now
            }
        }
        recordWrite("POST", "/repos/\(name)/actions/runs/\(id)/" + (failedOnly ? "rerun-failed-jobs" : "rerun"))
        return try runOrFail(name, id: id)
    }

    /// A job's `(status, conclusion)` at `now`.
    static func status(_ job: Job, now: Date, duration: TimeInterval) -> (status: String, conclusion: String?) {
        let elapsed = now.timeIntervalSince(job.queuedAt)
        if elapsed < duration / 2 { return ("queued", nil) }
        if elapsed < duration { return ("in_progress", nil) }
        return ("completed", job.failsAtFirstAttempt && job.attempt == 1 ? "failure" : "success")
    }

    func json(_ run: Run, repository: String, now: Date) -> GiteaWorkflowRun {
        let states = run.jobs.map { Self.status($0, now: now, duration: jobDuration) }
        let started = run.jobs.map(\.queuedAt).max() ?? now
        let status: String
        var conclusion: String?
        if states.allSatisfy({ $0.status == "completed" }) {
            status = "completed"
            conclusion = states.contains { $0.conclusion == "failure" } ? "failure" : "success"
        } else {
            status = states.contains { $0.status == "in_progress" } ? "in_progress" : "queued"
        }
        let zero = "0001-01-01T00:00:00Z"
        return GiteaWorkflowRun(
            id: run.id, runNumber: run.number, path: "\(run.workflow)@\(run.ref)", event: "workflow_dispatch", status: status,
            conclusion: conclusion, headBranch: String(run.ref.dropFirst("refs/heads/".count)),
            htmlURL: "\(baseURL)/\(repository)/actions/runs/\(run.number)",
            startedAt: status == "queued" ? zero : GiteaSimulator.timestamp(started.addingTimeInterval(jobDuration / 2)),
            completedAt: status == "completed" ? GiteaSimulator.timestamp(started.addingTimeInterval(jobDuration)) : zero)
    }
}
