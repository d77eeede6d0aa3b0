/// `close` and `reopen`: sets an issue's state, with a proof comment.
extension GateExecutor {
    func setState(_ command: Command, key: IdempotencyKey, number: Int, target: IssueState, note: String?) async throws -> Ack {
        let repo = command.repository
        let issue = try await forge.issue(repo, number)
        guard issue.state != target.rawValue else {
            return done(
                command, key, "was already \(target.rawValue):", number: number, title: issue.title,
                url: issue.htmlURL, state: AckState(gitea: issue.state))
        }
        let updated = try await forge.editIssue(repo, number, state: target)
        let text = (note.map { $0 + "\n\n" } ?? "") + target.proofLine
        let warnings = await proof(repo, number, text, command, key)
        return done(
            command, key, target.verb, number: number, title: updated.title, url: updated.htmlURL, state: AckState(gitea: updated.state),
            warnings: warnings)
    }
}
