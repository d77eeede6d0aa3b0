/// The read-only actions: `show` (an issue or pull request on Gitea) and `status` (ledger entries by key prefix).
extension GateExecutor {
    func show(_ command: Command, _ number: Int) async -> Ack {
        do {
            let issue = try await forge.issue(command.repository, number)
            let state = issue.pullRequest?.merged == true ? "merged" : issue.state
            let kind = issue.pullRequest == nil ? "issue" : "pull request"
            let labels = (issue.labels ?? []).map(\.name)
            let assignees = (issue.assignees ?? []).map { "@" + $0.login }
            var details = "\(kind) is \(state)"
            if !labels.isEmpty { details += ", labels: " + labels.joined(separator: ", ") }
            if !assignees.isEmpty { details += ", assigned to " + assignees.joined(separator: " ") }
            return Ack(
                success: true, key: "", action: .show, repository: command.repository.description, number: number, title: issue.title,
                url: issue.htmlURL, state: AckState(rawValue: state), message: details + ":")
        } catch {
            return Ack(success: false, key: "", action: .show, repository: command.repository.description, number: number, message: "\(error)")
        }
    }

    func status(_ command: Command, _ prefix: String, visible: (String) -> Bool) async -> Ack {
        do {
            // Entries of repositories the asker may not act on are not shown (nor counted).
            let entries = try await ledger.entries(keyPrefix: prefix, limit: 50).filter { visible($0.repository) }.prefix(5)
            guard let entry = entries.first else {
                return Ack(
                    success: false, key: "", action: .status, repository: command.repository.description,
                    message: "no command with a key starting \(prefix)")
            }
            let result = entry.result.flatMap(Ack.parse)
            let more = entries.count > 1 ? " (\(entries.count - 1) more with this prefix)" : ""
            return Ack(
                success: true, key: entry.key.hex, action: .status, repository: entry.repository, number: result?.number,
                title: result?.title, url: result?.url, state: AckState(entry.state),
                message: "\(entry.action.rawValue) is \(entry.state.rawValue)\(entry.error.map { ": " + $0 } ?? "")\(more):",
                executedAt: entry.completedAt)
        } catch {
            return Ack(success: false, key: "", action: .status, repository: command.repository.description, message: "ledger unavailable: \(error)")
        }
    }
}
