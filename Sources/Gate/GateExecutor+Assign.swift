/// `assign`: sets, adds or removes assignees, and checks that Gitea did not silently drop them.
extension GateExecutor {
    func assign(_ command: Command, _ key: IdempotencyKey, number: Int, set: [String]?, add: [String], remove: [String]) async throws -> Ack {
        let repo = command.repository
        let issue = try await forge.issue(repo, number)
        let current = (issue.assignees ?? []).map(\.login)
        let clean: ([String]) -> [String] = { $0.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 } }
        var wanted = set.map(clean) ?? current
        for login in clean(add) where !wanted.contains(where: { $0.lowercased() == login.lowercased() }) { wanted.append(login) }
        let removing = Set(clean(remove).map { $0.lowercased() })
        wanted.removeAll { removing.contains($0.lowercased()) }
        let updated = try await forge.editIssue(repo, number, assignees: wanted)
        let got = Set((updated.assignees ?? []).map { $0.login.lowercased() })
        guard got == Set(wanted.map { $0.lowercased() }) else {
            let dropped = wanted.filter { !got.contains($0.lowercased()) }
            return Ack(
                success: false, key: key.hex, action: command.action, repository: repo.description, number: number,
                title: issue.title, url: issue.htmlURL,
                message: "Gitea silently ignored the assignees" + (dropped.isEmpty ? "" : " (\(dropped.joined(separator: ", ")) not assigned)")
                    + ": the bot's account probably lacks write access", executedAt: now())
        }
        let list = wanted.isEmpty ? "nobody" : wanted.map { "@" + $0 }.joined(separator: " ")
        let warnings = await proof(repo, number, "Assignees set to \(list).", command, key)
        return done(
            command, key, "assigned \(list) on", number: number, title: issue.title, url: issue.htmlURL, state: AckState(gitea: issue.state),
            warnings: warnings)
    }
}
