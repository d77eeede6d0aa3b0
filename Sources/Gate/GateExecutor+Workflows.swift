import Encoding

/// `run` and `rerun`: Gitea Actions writes. Neither can carry the gate key, so each records a
/// ``WorkflowBaseline`` before its write, and the probe compares Gitea with it.
extension GateExecutor {
    func dispatch(
        _ command: Command, _ key: IdempotencyKey, entryID: Int64, workflow: String, ref: String?, inputs: [String: String]
    ) async throws -> Ack {
        let repo = command.repository
        let file = try await workflowFile(repo, named: workflow)
        let branch: String
        if let ref { branch = ref } else { branch = try await defaultBranch(repo) }
        let newest = try await forge.workflowRuns(repo, event: nil, page: 1, limit: 1).items.first?.id ?? 0
        try await ledger.recordBaseline(id: entryID, value: WorkflowBaseline.dispatch(newestRun: newest, workflow: file.id, ref: branch).json)
        let details = try await forge.dispatchWorkflow(repo, workflow: file.id, ref: branch, inputs: inputs)
        // Dispatched: whatever follows only improves the answer.
        var run: GiteaWorkflowRun?
        if let id = details?.workflowRunID {
            run = try? await forge.workflowRun(repo, id: id)
        } else {
            run = try? await discoverRun(repo, workflow: file.id, ref: branch, after: newest)
        }
        return dispatched(command, key, file: file, ref: branch, run: run, url: details?.htmlURL)
    }

    /// The answer to a dispatch (executed now, or found by a probe).
    func dispatched(
        _ command: Command, _ key: IdempotencyKey, file: GiteaWorkflow, ref: String, run: GiteaWorkflowRun?, url: String?,
        at: Int64? = nil
    ) -> Ack {
        let what = "dispatched \(file.id) on \(ref)"
        let message: String
        let link: String?
        if let run, let number = run.runNumber {
            (message, link) = ("\(what): run #\(number) in", run.htmlURL ?? url)
        } else if let url {
            (message, link) = ("\(what) in", url)
        } else {
            (message, link) = ("\(what); run not visible yet in", file.htmlURL)
        }
        return Ack(
            success: true, key: key.hex, action: command.action, repository: command.repository.description, title: file.name, url: link,
            message: message, executedAt: at ?? now())
    }

    func rerun(_ command: Command, _ key: IdempotencyKey, entryID: Int64, number: Int, failedOnly: Bool) async throws -> Ack {
        let repo = command.repository
        let run = try await run(numbered: number, in: repo)
        guard run.status == "completed" else { throw GateRefusal.runNotFinished(number, status: run.status ?? "running") }
        let jobs = try await forge.workflowJobs(repo, run: run.id)
        if failedOnly && !jobs.contains(where: { $0.conclusion == "failure" || $0.conclusion == "cancelled" }) {
            throw GateRefusal.noFailedJobs(number)
        }
        let attempt = jobs.compactMap(\.runAttempt).max() ?? 0
        try await ledger.recordBaseline(id: entryID, value: WorkflowBaseline.rerun(run: run.id, attempt: attempt).json)
        try await forge.rerunWorkflow(repo, run: run.id, failedOnly: failedOnly)
        return reran(command, key, number: number, failedOnly: failedOnly, url: run.htmlURL)
    }

    func reran(_ command: Command, _ key: IdempotencyKey, number: Int, failedOnly: Bool, url: String?, at: Int64? = nil) -> Ack {
        Ack(
            success: true, key: key.hex, action: command.action, repository: command.repository.description, url: url,
            message: "reran \(failedOnly ? "the failed jobs of " : "")run #\(number) in", executedAt: at ?? now())
    }

    /// Whether the dispatch or rerun of `command` happened, judged against the baseline recorded before its write;
    /// `nil` when it did not (or never got as far as its write).
    func probeWorkflow(_ command: Command, key: IdempotencyKey, entryID: Int64, claimedAt: Int64) async throws -> Ack? {
        guard let raw = try await ledger.baseline(id: entryID), let baseline = WorkflowBaseline.parse(raw) else { return nil }
        let repo = command.repository
        switch (command.payload, baseline) {
        case (.dispatchWorkflow, .dispatch(let newest, let file, let ref)):
            // The request may still be on its way through Gitea when the connection dropped: look a few times.
            for attempt in 0..<max(1, configuration.runDiscoveryAttempts) {
                if attempt > 0 { try await Task.sleep(for: configuration.runDiscoveryDelay) }
                if let run = try await discoverRun(repo, workflow: file, ref: ref, after: newest) {
                    let workflow =
                        (try? await workflowFile(repo, named: file)) ?? GiteaWorkflow(id: file, name: file, path: file, state: nil, htmlURL: nil)
                    return dispatched(command, key, file: workflow, ref: ref, run: run, url: run.htmlURL, at: claimedAt)
                }
            }
            return nil
        case (.rerunWorkflow(let number, let failedOnly), .rerun(let run, let attempt)):
            let jobs = try await forge.workflowJobs(repo, run: run)
            guard jobs.contains(where: { ($0.runAttempt ?? 0) > attempt || $0.status != "completed" }) else { return nil }
            let url = try? await forge.workflowRun(repo, id: run).htmlURL
            return reran(command, key, number: number, failedOnly: failedOnly, url: url ?? nil, at: claimedAt)
        default:
            return nil
        }
    }

    /// The oldest run of `workflow` on `ref` with an id above `newest`: the first dispatch made after the baseline.
    func discoverRun(_ repo: Repository, workflow: String, ref: String, after newest: Int64) async throws -> GiteaWorkflowRun? {
        var found: GiteaWorkflowRun?
        for page in 1...20 {
            let runs = try await forge.workflowRuns(repo, event: "workflow_dispatch", page: page, limit: GiteaClient.pageSize).items
            for run in runs where run.id > newest && run.matches(workflow: workflow, ref: ref) && run.id < (found?.id ?? .max) { found = run }
            if runs.count < GiteaClient.pageSize || runs.contains(where: { $0.id <= newest }) { break }
        }
        return found
    }

    /// The run people call #`number` (the run endpoints take its id).
    func run(numbered number: Int, in repo: Repository) async throws -> GiteaWorkflowRun {
        for page in 1...20 {
            let runs = try await forge.workflowRuns(repo, event: nil, page: page, limit: GiteaClient.pageSize).items
            if let run = runs.first(where: { $0.runNumber == number }) { return run }
            if runs.count < GiteaClient.pageSize || runs.contains(where: { ($0.runNumber ?? .max) < number }) { break }
        }
        throw GateRefusal.unknownRun(number)
    }

    /// A workflow named by its file (`deploy.yml`, or `deploy` without the extension) or by its `name:`.
    func workflowFile(_ repo: Repository, named wanted: String) async throws -> GiteaWorkflow {
        let workflows = try await forge.workflows(repo)
        let name = wanted.lowercased()
        if let file = workflows.first(where: { $0.id.lowercased() == name }) { return file }
        let byStem = workflows.filter { [name + ".yml", name + ".yaml"].contains($0.id.lowercased()) }
        if byStem.count == 1 { return byStem[0] }
        let byName = workflows.filter { $0.name.lowercased() == name }
        if byName.count == 1 { return byName[0] }
        if byName.count > 1 { throw GateRefusal.ambiguousWorkflow(wanted, files: byName.map(\.id)) }
        throw GateRefusal.unknownWorkflow(wanted, known: workflows.map(\.id))
    }

    func defaultBranch(_ repo: Repository) async throws -> String {
        guard let branch = try await forge.repository(repo).defaultBranch, !branch.isEmpty else { throw GateRefusal.noDefaultBranch }
        return branch
    }
}
