/// `label`: adds and removes labels by name (repository or organisation labels).
extension GateExecutor {
    func label(_ command: Command, _ key: IdempotencyKey, number: Int, add: [String], remove: [String]) async throws -> Ack {
        let repo = command.repository
        let issue = try await forge.issue(repo, number)
        let labels = try await forge.labels(repo)
        let addIDs = try LabelResolver.resolve(add, repository: labels.repository, organisation: labels.organisation)
        let removeIDs = try LabelResolver.resolve(remove, repository: labels.repository, organisation: labels.organisation)
        var current = Set((issue.labels ?? []).map(\.id))
        if !addIDs.isEmpty { current = Set(try await forge.addLabels(repo, number, ids: addIDs).map(\.id)) }
        for id in removeIDs where current.contains(id) {
            try await forge.removeLabel(repo, number, id: id)
            current.remove(id)
        }
        var warnings: [String] = []
        if !Set(addIDs).isSubset(of: current) { warnings.append("Gitea did not apply every label") }
        let summary = (add.map { "+" + $0 } + remove.map { "-" + $0 }).joined(separator: " ")
        warnings += await proof(repo, number, "Labels changed: \(summary).", command, key)
        return done(
            command, key, "labelled (\(summary))", number: number, title: issue.title, url: issue.htmlURL, state: AckState(gitea: issue.state),
            warnings: warnings)
    }
}
