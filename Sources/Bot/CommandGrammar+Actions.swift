import Gate

/// The verbs of lists and Gitea Actions: `list`, `prs`, `run`, `runs` and `rerun`.
extension CommandGrammar {
    /// A first word naming a repository (`owner/name` or an alias) and the words after it; the default
    /// repository and all the words otherwise.
    func leadingRepository(_ words: [String], verb: String) throws -> (Repository, [String]) {
        if let first = words.first, let explicit = try explicitRepository(first) { return (explicit, Array(words.dropFirst())) }
        return (try defaultRepository(verb), words)
    }

    /// `list|prs [repo] [open|closed|all] [label:name]… [@user] [text…]`: filters first, then search words.
    func list(_ words: [String], pulls: Bool) throws -> (Repository, CommandPayload) {
        let (repository, rest) = try leadingRepository(words, verb: pulls ? "prs" : "list")
        var filter = IssueFilter()
        var text: [String] = []
        for word in rest {
            let lower = word.lowercased()
            if !text.isEmpty {
                text.append(word)
            } else if let state = IssueFilter.State(rawValue: lower) {
                filter.state = state
            } else if lower.hasPrefix("label:") {
                let name = String(word.dropFirst(6))
                guard !name.isEmpty else { throw Invalid("label: needs a name, e.g. label:bug") }
                filter.labels.append(name)
            } else if word.hasPrefix("@") {
                guard word.count > 1, filter.assignee == nil else { throw Invalid("name one @assignee") }
                filter.assignee = String(word.dropFirst())
            } else {
                text.append(word)
            }
        }
        filter.text = text.isEmpty ? nil : text.joined(separator: " ")
        return (repository, .list(filter: filter, pulls: pulls))
    }

    /// `run [repo] <workflow> [ref] [key=value…]`.
    func run(_ words: [String]) throws -> (Repository, CommandPayload) {
        var (repository, rest) = (try? defaultRepository("run"), words)
        // A repository first only when a workflow follows it.
        if words.count > 1, let explicit = try explicitRepository(words[0]) { (repository, rest) = (explicit, Array(words.dropFirst())) }
        guard let repository else { throw Invalid("no default repository is configured for you: write owner/name") }
        guard let workflow = rest.first, !workflow.contains("=") else { throw Invalid("run needs a workflow, e.g. run deploy.yml") }
        var ref: String?
        var inputs: [String: String] = [:]
        for word in rest.dropFirst() {
            if let equals = word.firstIndex(of: "=") {
                let name = String(word[..<equals])
                guard !name.isEmpty else { throw Invalid("\"\(word)\" is not input=value") }
                guard inputs[name] == nil else { throw Invalid("input \"\(name)\" is given twice") }
                inputs[name] = String(word[word.index(after: equals)...])
            } else if ref == nil, inputs.isEmpty {
                ref = word
            } else {
                throw Invalid("\"\(word)\" is not input=value (the ref comes right after the workflow)")
            }
        }
        return (repository, .dispatchWorkflow(workflow: workflow, ref: ref, inputs: inputs))
    }

    /// `runs [repo] [workflow]`.
    func runs(_ words: [String]) throws -> (Repository, CommandPayload) {
        let (repository, rest) = try leadingRepository(words, verb: "runs")
        guard rest.count <= 1 else { throw Invalid("runs takes at most one workflow") }
        return (repository, .runs(workflow: rest.first))
    }

    /// `watch|unwatch [repo] [kinds…]`: `all` or the kinds of ``WatchKind``; `watch` alone is its defaults,
    /// `unwatch` alone every kind.
    func watch(_ words: [String], enable: Bool) throws -> (Repository, CommandPayload) {
        let (repository, rest) = try leadingRepository(words, verb: enable ? "watch" : "unwatch")
        var kinds: [WatchKind] = []
        for word in rest.map({ $0.lowercased() }) {
            if word == "all" {
                kinds = WatchKind.allCases
            } else if let kind = WatchKind(rawValue: word) {
                if !kinds.contains(kind) { kinds.append(kind) }
            } else {
                throw Invalid("\"\(word)\" is not one of: \(WatchKind.allCases.map(\.rawValue).joined(separator: ", ")), all")
            }
        }
        if kinds.isEmpty { kinds = enable ? WatchKind.defaults : WatchKind.allCases }
        return (repository, .watch(kinds: kinds.map(\.rawValue), enable: enable))
    }

    /// `rerun [repo] <run number> [failed]` (the number may be written #12).
    func rerun(_ words: [String]) throws -> (Repository, CommandPayload) {
        let (repository, rest) = try leadingRepository(words, verb: "rerun")
        guard let first = rest.first, let number = Int(first.hasPrefix("#") ? String(first.dropFirst()) : first), number > 0 else {
            throw Invalid("rerun needs a run number, e.g. rerun 12")
        }
        let options = rest.dropFirst().map { $0.lowercased() }
        guard options.allSatisfy({ $0 == "failed" }) else { throw Invalid("after the run number only \"failed\" is understood") }
        return (repository, .rerunWorkflow(run: number, failedOnly: !options.isEmpty))
    }
}
