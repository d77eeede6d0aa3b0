import Gate

/// One function per verb whose arguments need more than a reference: what each makes of its words.
extension CommandGrammar {
    /// `issue [repo] <title>` and body lines; trailing `labels: a, b` and `assign: @x @y` lines are taken out of
    /// the body.
    func issue(_ words: [String], body: [String]) throws -> (Repository, CommandPayload) {
        var words = words
        var repository = try defaultRepository("issue")
        if let first = words.first, let explicit = try explicitRepository(first) {
            repository = explicit
            words.removeFirst()
        }
        let title = words.joined(separator: " ")
        guard !title.isEmpty else { throw Invalid("an issue needs a title") }
        var bodyLines = body
        var labels: [String] = []
        var assignees: [String] = []
        while let last = bodyLines.last {
            let trimmed = last.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                bodyLines.removeLast()
            } else if trimmed.lowercased().hasPrefix("labels:") {
                labels = trimmed.dropFirst(7).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } + labels
                bodyLines.removeLast()
            } else if trimmed.lowercased().hasPrefix("assign:") {
                assignees = trimmed.dropFirst(7).split(separator: " ").map(String.init).filter { !$0.isEmpty } + assignees
                bodyLines.removeLast()
            } else {
                break
            }
        }
        return (repository, .createIssue(title: title, body: bodyLines.joined(separator: "\n"), labels: labels, assignees: assignees))
    }

    /// `assign #N @user… [-@user…]`.
    func assign(_ number: Int, _ arguments: [String]) throws -> CommandPayload {
        var add: [String] = []
        var remove: [String] = []
        for word in arguments {
            if word.hasPrefix("-@") {
                remove.append(String(word.dropFirst(2)))
            } else if word.hasPrefix("@") {
                add.append(String(word.dropFirst()))
            } else {
                throw Invalid("\"\(word)\" is not @user or -@user")
            }
        }
        guard !add.isEmpty || !remove.isEmpty else { throw Invalid("name at least one @user") }
        return .assignIssue(issue: number, set: nil, add: add, remove: remove)
    }

    /// `label #N +name -name`.
    func label(_ number: Int, _ arguments: [String]) throws -> CommandPayload {
        var add: [String] = []
        var remove: [String] = []
        for word in arguments {
            if word.hasPrefix("+"), word.count > 1 {
                add.append(String(word.dropFirst()))
            } else if word.hasPrefix("-"), word.count > 1 {
                remove.append(String(word.dropFirst()))
            } else {
                throw Invalid("\"\(word)\" is not +label or -label")
            }
        }
        guard !add.isEmpty || !remove.isEmpty else { throw Invalid("name at least one +label or -label") }
        return .labelIssue(issue: number, add: add, remove: remove)
    }

    /// `merge [repo]!N [style] [sha:<head>]`.
    func merge(_ words: [String]) throws -> (Repository, CommandPayload) {
        guard let target = words.first else { throw Invalid("merge needs a pull request like !7 or owner/name!7") }
        let (repository, number) = try reference(target, marker: "!", verb: "merge")
        var style = MergeStyle.merge
        var sha: String?
        for word in words.dropFirst() {
            if word.lowercased().hasPrefix("sha:") {
                let value = String(word.dropFirst(4))
                guard (7...64).contains(value.count), value.allSatisfy(\.isHexDigit) else { throw Invalid("sha: needs 7 to 64 hex characters") }
                sha = value.lowercased()
            } else if let parsed = MergeStyle(rawValue: word.lowercased()) {
                style = parsed
            } else {
                throw Invalid("\"\(word)\" is not a merge style or sha:<head>")
            }
        }
        return (repository, .mergePR(pr: number, style: style, headSHA: sha, deleteBranch: false))
    }

    /// `status <key prefix>`: a ledger lookup, not about a repository; the default one (or a placeholder) fills
    /// the command's repository.
    func status(_ words: [String]) throws -> (Repository, CommandPayload) {
        guard let prefix = words.first, prefix.count >= 4, prefix.allSatisfy(\.isHexDigit) else {
            throw Invalid("status needs at least 4 hex characters of a key")
        }
        return (try placeholderRepository(), .status(keyPrefix: prefix.lowercased()))
    }

    /// The repository of a command that is not about one (`status`, `yes`): the default one, or a placeholder.
    func placeholderRepository() throws -> Repository {
        if let repository = context.defaultRepository { return repository }
        do { return try Repository("ledger/status") } catch { throw Invalid("\(error)") }
    }
}
