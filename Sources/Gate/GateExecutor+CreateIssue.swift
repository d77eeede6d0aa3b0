/// `issue`: creates an issue with the gate footer in its body, its labels resolved by name.
extension GateExecutor {
    func createIssue(
        _ command: Command, _ key: IdempotencyKey, title: String, body: String, labelNames: [String],
        assignees: [String]
    ) async throws -> Ack {
        let repo = command.repository
        let labels = try await forge.labels(repo)
        let ids = try LabelResolver.resolve(labelNames, repository: labels.repository, organisation: labels.organisation)
        let logins = assignees.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }
        let issue = try await forge.createIssue(repo, title: title, body: footer(body, command, key), labels: ids, assignees: logins)
        var warnings: [String] = []
        let gotLabels = Set((issue.labels ?? []).map(\.id))
        if !Set(ids).isSubset(of: gotLabels) { warnings.append("Gitea did not apply every label (the bot may lack write access)") }
        let gotAssignees = Set((issue.assignees ?? []).map { $0.login.lowercased() })
        let missing = logins.filter { !gotAssignees.contains($0.lowercased()) }
        if !missing.isEmpty { warnings.append("Gitea did not assign \(missing.joined(separator: ", ")) (no permission?)") }
        return done(
            command, key, "created", number: issue.number, title: issue.title, url: issue.htmlURL, state: AckState(gitea: issue.state),
            warnings: warnings)
    }
}
