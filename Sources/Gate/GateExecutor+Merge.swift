/// `merge`: merges a pull request at the head the operator saw, or says it was merged already.
extension GateExecutor {
    func merge(
        _ command: Command, _ key: IdempotencyKey, number: Int, style: MergeStyle, headSHA: String?,
        deleteBranch: Bool
    ) async throws -> Ack {
        let repo = command.repository
        let pull = try await pullRequest(repo, number)
        if pull.merged {
            return done(command, key, "was already merged", number: number, title: pull.title, url: pull.htmlURL, state: .merged, prior: true)
        }
        guard pull.state == IssueState.open.rawValue else { throw GateRefusal.pullRequestClosed(number) }
        guard pull.draft != true else { throw GateRefusal.pullRequestDraft(number) }
        guard pull.mergeable else { throw GateRefusal.notMergeable(number) }
        if let headSHA, !pull.head.sha.lowercased().hasPrefix(headSHA.lowercased()) {
            throw GateRefusal.headMoved(expected: headSHA, actual: pull.head.sha)
        }
        guard let status = try await mergeStatus(repo, number, style: style, headSHA: headSHA ?? pull.head.sha, deleteBranch: deleteBranch) else {
            return done(command, key, "was already merged", number: number, title: pull.title, url: pull.htmlURL, state: .merged, prior: true)
        }
        let scheduled = status == 201
        let warnings = await proof(
            repo, number,
            scheduled
                ? "Merge (\(style.rawValue)) scheduled for when checks succeed."
                : "Merged (\(style.rawValue)) at \(pull.head.sha.prefix(12)).", command, key)
        return done(
            command, key, scheduled ? "scheduled to merge (\(style.rawValue)), not merged yet:" : "merged (\(style.rawValue))", number: number,
            title: pull.title, url: pull.htmlURL, state: scheduled ? .scheduled : .merged, warnings: warnings)
    }

    func pullRequest(_ repo: Repository, _ number: Int) async throws -> GiteaPullRequest {
        do {
            return try await forge.pullRequest(repo, number)
        } catch {
            if case .notFound = error { throw GateRefusal.notAPullRequest(number) }
            throw error
        }
    }

    /// The merge call's status, or `nil` when Gitea says it was already merged (405), a prior execution.
    func mergeStatus(_ repo: Repository, _ number: Int, style: MergeStyle, headSHA: String, deleteBranch: Bool) async throws -> Int? {
        do {
            return try await forge.merge(repo, number, style: style, headSHA: headSHA, deleteBranch: deleteBranch)
        } catch {
            if case .notAllowed(let message) = error, message.lowercased().contains("already merged") { return nil }
            throw error
        }
    }
}
