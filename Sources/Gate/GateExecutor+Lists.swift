import Encoding

/// The read-only lists: `list` (issues), `prs` (pull requests) and `runs` (workflow runs), answers that fit a
/// phone screen (``ListAnswer``).
extension GateExecutor {
    /// How many items a list answer shows, and how many runs `runs` shows.
    static let listLength = 10
    static let runsLength = 5

    func list(_ command: Command, _ filter: IssueFilter, pulls: Bool) async -> Ack {
        let repo = command.repository
        do {
            let page = try await forge.issueList(repo, filter, pulls: pulls, limit: Self.listLength)
            let items = page.items.prefix(Self.listLength)
            let marker = pulls ? "!" : "#"
            let lines = items.map { issue in
                var line = "\(marker)\(issue.number) \(issue.title.utf8Prefix(ListAnswer.titleLength))"
                let labels = (issue.labels ?? []).map(\.name)
                if !labels.isEmpty { line += " (\(labels.joined(separator: ", ")))" }
                for assignee in (issue.assignees ?? []).prefix(2) { line += " @" + assignee.login }
                if let created = RFC3339.seconds(issue.createdAt) { line += " " + ListAnswer.age(now() - created) }
                return line + " " + issue.htmlURL
            }
            let total = max(page.total ?? items.count, items.count)
            let noun = (pulls ? "pull request" : "issue") + (total == 1 ? "" : "s")
            var heading = "\(repo): \(total) " + (filter.state == .all ? noun + " in any state" : "\(filter.state.rawValue) \(noun)")
            heading += Self.describe(filter)
            return ListAnswer.ack(command, heading: heading, lines: lines, total: total)
        } catch {
            return Ack(success: false, key: "", action: .list, repository: repo.description, message: "\(error)")
        }
    }

    private static func describe(_ filter: IssueFilter) -> String {
        var parts = filter.labels.map { "label:" + $0 }
        if let assignee = filter.assignee { parts.append("assigned to @" + assignee) }
        if let text = filter.text { parts.append("matching “\(text)”") }
        var text = parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
        if filter.text != nil { text += "; text search uses Gitea's index, which can lag behind the newest changes" }
        return text
    }

    func runs(_ command: Command, workflow: String?) async -> Ack {
        let repo = command.repository
        do {
            let file = try await workflow.asyncMap { try await workflowFile(repo, named: $0) }
            var shown: [GiteaWorkflowRun] = []
            var total: Int?
            for page in 1...4 where shown.count < Self.runsLength {
                let runs = try await forge.workflowRuns(repo, event: nil, page: page, limit: GiteaClient.pageSize)
                if file == nil { total = runs.total }
                shown += runs.items.filter { run in file.map { run.workflowFile?.lowercased() == $0.id.lowercased() } ?? true }
                if runs.items.count < GiteaClient.pageSize { break }
            }
            let lines = shown.prefix(Self.runsLength).map(runLine)
            let heading = "\(repo): " + (file.map { "latest runs of \($0.id)" } ?? "latest runs") + (total.map { " (\($0) in all)" } ?? "")
            return ListAnswer.ack(command, heading: lines.isEmpty ? heading + ": none yet" : heading, lines: lines, total: lines.count)
        } catch {
            return Ack(success: false, key: "", action: .list, repository: repo.description, message: "\(error)")
        }
    }

    /// `#12 deploy.yml ✓ success main 2h https://…`.
    private func runLine(_ run: GiteaWorkflowRun) -> String {
        var line = "#\(run.runNumber ?? 0) \(run.workflowFile ?? "?")"
        switch (run.status, run.conclusion) {
        case ("completed", "success"): line += " ✓ success"
        case ("completed", let conclusion?): line += " ✗ \(conclusion)"
        case (let status?, _): line += " … " + status.replacingOccurrences(of: "_", with: " ")
        default: break
        }
        if let branch = run.headBranch, !branch.isEmpty { line += " " + branch }
        if let started = run.startedAt.flatMap(RFC3339.seconds), started > 0 { line += " " + ListAnswer.age(now() - started) }
        return line + (run.htmlURL.map { " " + $0 } ?? "")
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
