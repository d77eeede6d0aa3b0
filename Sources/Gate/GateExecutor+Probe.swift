import Foundation

/// Probes: whether an earlier execution of a command is on Gitea (after a crash or an unknown outcome).
extension GateExecutor {
    /// Whether Gitea says the bot's own login wrote it. Only that counts as proof: anyone who can comment could
    /// otherwise pre-post a key footer and make a command count as done without running.
    func wroteIt(_ author: GiteaUser) -> Bool {
        author.login.caseInsensitiveCompare(botLogin) == .orderedSame
    }

    /// Looks on Gitea for an earlier execution of `command` (its key in a body or comment by the bot's login, or
    /// the target state). Returns `nil` when there is none; throws when Gitea cannot be asked (callers then refuse
    /// to write).
    func probe(_ command: Command, key: IdempotencyKey, claimedAt: Int64, entryID: Int64) async throws -> Ack? {
        let repo = command.repository
        let since = GiteaTime.rfc3339(claimedAt - configuration.probeMargin)
        func found(_ number: Int, _ title: String?, _ url: String?, _ state: AckState?, _ message: String) -> Ack {
            Ack(
                success: true, key: key.hex, action: command.action, repository: repo.description, number: number, title: title, url: url,
                state: state, message: message, executedAt: claimedAt)
        }
        switch command.payload {
        case .createIssue:
            // Not `q=`: Gitea's indexer lags. The creator + since listing is database-backed.
            for page in 1...200 {
                let issues = try await forge.issues(repo, createdBy: botLogin, since: since, page: page)
                if let issue = issues.first(where: { wroteIt($0.user) && GateFooter.contains($0.body ?? "", key: key) }) {
                    return found(issue.number, issue.title, issue.htmlURL, AckState(gitea: issue.state), "created")
                }
                if issues.count < GiteaClient.pageSize { break }
            }
            return nil
        case .mergePR(let number, _, _, _):
            let pull = try await forge.pullRequest(repo, number)
            return pull.merged ? found(number, pull.title, pull.htmlURL, .merged, "merged") : nil
        case .addComment(let number, _), .closeIssue(let number, _), .reopenIssue(let number), .assignIssue(let number, _, _, _),
            .labelIssue(let number, _, _):
            let comments = try await forge.comments(repo, number, since: since)
            if let comment = comments.first(where: { wroteIt($0.user) && GateFooter.contains($0.body, key: key) }) {
                return found(number, nil, comment.htmlURL, nil, "done")
            }
            if case .closeIssue = command.payload {
                let issue = try await forge.issue(repo, number)
                if issue.state == IssueState.closed.rawValue { return found(number, issue.title, issue.htmlURL, .closed, IssueState.closed.verb) }
            }
            if case .reopenIssue = command.payload {
                let issue = try await forge.issue(repo, number)
                if issue.state == IssueState.open.rawValue { return found(number, issue.title, issue.htmlURL, .open, IssueState.open.verb) }
            }
            return nil
        case .dispatchWorkflow, .rerunWorkflow:
            return try await probeWorkflow(command, key: key, entryID: entryID, claimedAt: claimedAt)
        case .show, .status, .list, .runs, .confirm, .watch, .watching:
            return nil
        }
    }
}
