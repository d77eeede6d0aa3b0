import Foundation
import Gate

/// The part of Gitea 1.26's API the Gate uses, as the simulator's state answers it: one implementation behind both
/// front doors, the HTTP routes (``GiteaSimulator``) and the in-process ``SimulatedForge``. `login` is the
/// authenticated caller; failures carry Gitea's status and message.
extension GiteaSimulatorState {
    func repositoryOrFail(_ name: String, _ login: String) throws(SimulatorFailure) -> GiteaRepository {
        guard let view = repositoryView(name, login: login) else { throw SimulatorFailure(status: 404, message: "The target couldn't be found.") }
        return view
    }

    func ownerOrFail(_ name: String) throws(SimulatorFailure) -> GiteaUser {
        guard ownerExists(name) else { throw SimulatorFailure(status: 404, message: "user redirect does not exist [name: \(name.lowercased())]") }
        return user(name)
    }

    /// Issue filters as Gitea reads them: state (`open` by default), type, creator, updated since, `q` over title
    /// and body (missing what the indexer has not caught up with), `limit` capped at 50.
    struct IssueQuery: Sendable {
        var state = "open"
        var type: String?
        var createdBy: String?
        var since: Date?
        var q: String?
        /// Label names, all required (unknown names are dropped, as Gitea does).
        var labels: [String] = []
        var assignedTo: String?
        var limit = 30
        var page = 1
    }

    func listIssues(_ name: String, _ query: IssueQuery) throws(SimulatorFailure) -> [GiteaIssue] {
        try listIssuesCounted(name, query).items
    }

    /// One page of the matching issues and how many match (Gitea's `X-Total-Count`).
    func listIssuesCounted(_ name: String, _ query: IssueQuery) throws(SimulatorFailure) -> (items: [GiteaIssue], total: Int) {
        guard repo(name) != nil else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
        if let assignee = query.assignedTo, !userExists(assignee) { throw SimulatorFailure(status: 404, message: "user does not exist") }
        let limit = min(50, max(1, query.limit))
        let page = max(1, query.page)
        let known = allLabels(name)
        let labelIDs = query.labels.compactMap { label in known.first { $0.name.lowercased() == label.lowercased() }?.id }
        let matching = items(name).sorted { $0.number > $1.number }.filter { item in
            (query.state == "all" || item.state == query.state)
                && (query.type == nil || (query.type == "issues") == (item.pull == nil))
                && (query.createdBy.map { item.author.lowercased() == $0.lowercased() } ?? true)
                && (query.since.map { item.updatedAt >= $0 } ?? true)
                && (query.q.map {
                    (item.title + "\n" + item.body).localizedCaseInsensitiveContains($0) && Date().timeIntervalSince(item.createdAt) >= indexLag
                } ?? true)
                && labelIDs.allSatisfy(item.labels.contains)
                && (query.assignedTo.map { login in item.assignees.contains { $0.lowercased() == login.lowercased() } } ?? true)
        }
        return (matching.dropFirst((page - 1) * limit).prefix(limit).map { json($0, repository: name) }, matching.count)
    }

    func issueOrFail(_ name: String, _ number: Int) throws(SimulatorFailure) -> GiteaIssue {
        guard let item = item(name, number) else { throw SimulatorFailure(status: 404, message: "issue does not exist") }
        return json(item, repository: name)
    }

    /// Creates an issue; without write access Gitea silently drops labels and assignees.
    func createIssue(_ name: String, login: String, title: String, body: String?, labels: [Int64]?, assignees: [String]?) throws(SimulatorFailure)
        -> GiteaIssue
    {
        guard let repo = repo(name) else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
        guard !title.isEmpty else { throw SimulatorFailure(status: 422, message: "Title: Required") }
        for assignee in assignees ?? [] where !userExists(assignee) {
            throw SimulatorFailure(status: 422, message: "Assignee does not exist: [name: \(assignee)]")
        }
        let canWrite = repo.writers.contains(login.lowercased())
        let known = Set(allLabels(name).map(\.id))
        let id = newID()
        var created: Item?
        update(name) { repo in
            let item = Item(
                id: id, number: repo.nextNumber, title: title, body: body ?? "", author: login,
                assignees: canWrite ? (assignees ?? []) : [], labels: canWrite ? (labels ?? []).filter(known.contains) : [],
                createdAt: Date(), updatedAt: Date())
            repo.items[repo.nextNumber] = item
            repo.nextNumber += 1
            created = item
        }
        recordWrite("POST", "/repos/\(name)/issues")
        emit(
            name, event: "issues",
            payload: ["action": "opened", "number": created!.number, "issue": issuePayload(name, created!.number), "sender": sender(login)])
        return json(created!, repository: name)
    }

    /// Edits an issue's state or assignees (assignees silently ignored without write access).
    func editIssue(_ name: String, _ number: Int, login: String, state newState: String?, assignees: [String]?) throws(SimulatorFailure) -> GiteaIssue
    {
        guard let repo = repo(name), let item = repo.items[number] else { throw SimulatorFailure(status: 404, message: "issue does not exist") }
        let canWrite = repo.writers.contains(login.lowercased())
        guard canWrite || item.author.lowercased() == login.lowercased() else { throw SimulatorFailure(status: 403, message: "no permission") }
        if let newState, item.pull?.merged == true, newState != item.state {
            throw SimulatorFailure(status: 412, message: "cannot change state of a merged pull request")
        }
        for assignee in assignees ?? [] where !userExists(assignee) {
            throw SimulatorFailure(status: 422, message: "Assignee does not exist: [name: \(assignee)]")
        }
        update(name) { repo in
            if let newState { repo.items[number]?.state = newState }
            if let assignees, canWrite { repo.items[number]?.assignees = assignees }
            repo.items[number]?.updatedAt = Date()
        }
        recordWrite("PATCH", "/repos/\(name)/issues/\(number)")
        if let assignees, canWrite, Set(assignees.map { $0.lowercased() }) != Set(item.assignees.map { $0.lowercased() }) {
            let kind = item.pull == nil ? "issues" : "pull_request"
            let object = item.pull == nil ? issuePayload(name, number) : pullPayload(name, number)
            emit(
                name, event: kind,
                payload: ["action": "assigned", "number": number, item.pull == nil ? "issue" : "pull_request": object, "sender": sender(login)])
        }
        if let newState, newState != item.state {
            let action = newState == "closed" ? "closed" : "reopened"
            if item.pull != nil {
                emit(
                    name, event: "pull_request",
                    payload: ["action": action, "number": number, "pull_request": pullPayload(name, number), "sender": sender(login)])
            } else {
                emit(
                    name, event: "issues", payload: ["action": action, "number": number, "issue": issuePayload(name, number), "sender": sender(login)]
                )
            }
        }
        return json(self.item(name, number)!, repository: name)
    }

    /// An issue's comments, unpaged; Gitea answers 500 for an unknown issue here (the lookup error is not mapped).
    func commentsOrFail(_ name: String, _ number: Int, since: Date?) throws(SimulatorFailure) -> [GiteaComment] {
        guard let item = item(name, number) else { throw SimulatorFailure(status: 500, message: "issue does not exist") }
        return item.comments.filter { comment in
            since.map { since in ISO8601DateFormatter().date(from: comment.createdAt).map { $0 >= since } ?? true } ?? true
        }
    }

    func createComment(_ name: String, _ number: Int, login: String, body: String) throws(SimulatorFailure) -> GiteaComment {
        // Only whether it is a pull request: a copy of the item held across the append would copy its comments.
        guard let isPull = repo(name)?.items[number].map({ $0.pull != nil }) else {
            throw SimulatorFailure(status: 500, message: "issue does not exist")
        }
        let id = newID()
        let kind = isPull ? "pulls" : "issues"
        let comment = GiteaComment(
            id: id, body: body, htmlURL: "\(baseURL)/\(name)/\(kind)/\(number)#issuecomment-\(id)", user: user(login),
            createdAt: GiteaSimulator.timestamp(Date()))
        update(name) { repo in
            repo.items[number]?.comments.append(comment)
            repo.items[number]?.updatedAt = Date()
        }
        recordWrite("POST", "/repos/\(name)/issues/\(number)/comments")
        emit(
            name, event: "issue_comment",
            payload: [
                "action": "created", "issue": issuePayload(name, number), "is_pull": isPull, "sender": sender(login),
                "comment": [
                    "id": comment.id, "body": comment.body, "html_url": comment.htmlURL, "user": sender(login), "created_at": comment.createdAt
                ]
            ])
        return comment
    }

    /// One page of a repository's labels (`limit` capped at 50).
    func repositoryLabels(_ name: String, limit: Int, page: Int) throws(SimulatorFailure) -> [GiteaLabel] {
        guard let repo = repo(name) else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
        return Self.page(repo.labels, limit: limit, page: page)
    }

    /// One page of an organisation's labels (`limit` capped at 50).
    func organisationLabels(_ org: String, limit: Int, page: Int) throws(SimulatorFailure) -> [GiteaLabel] {
        guard let labels = organisationLabels(org) else { throw SimulatorFailure(status: 404, message: "organization does not exist") }
        return Self.page(labels, limit: limit, page: page)
    }

    static func page<T>(_ all: [T], limit: Int, page: Int) -> [T] {
        let limit = min(50, max(1, limit))
        return Array(all.dropFirst((max(1, page) - 1) * limit).prefix(limit))
    }

    func addLabels(_ name: String, _ number: Int, login: String, ids: [Int64]) throws(SimulatorFailure) -> [GiteaLabel] {
        try labelledIssue(name, number, login: login)
        let known = Set(allLabels(name).map(\.id))
        update(name) { repo in
            for id in ids where known.contains(id) && !(repo.items[number]?.labels.contains(id) ?? true) { repo.items[number]?.labels.append(id) }
        }
        recordWrite("POST", "/repos/\(name)/issues/\(number)/labels")
        return json(item(name, number)!, repository: name).labels ?? []
    }

    func removeLabel(_ name: String, _ number: Int, login: String, id: Int64) throws(SimulatorFailure) {
        try labelledIssue(name, number, login: login)
        update(name) { repo in repo.items[number]?.labels.removeAll { $0 == id } }
        recordWrite("DELETE", "/repos/\(name)/issues/\(number)/labels/\(id)")
    }

    /// Gitea's checks before a label change: the issue exists (404) and `login` may write to the repository (403).
    private func labelledIssue(_ name: String, _ number: Int, login: String) throws(SimulatorFailure) {
        guard let repo = repo(name), repo.items[number] != nil else { throw SimulatorFailure(status: 404, message: "issue does not exist") }
        guard repo.writers.contains(login.lowercased()) else { throw SimulatorFailure(status: 403, message: "no permission") }
    }

    func pullRequestOrFail(_ name: String, _ number: Int) throws(SimulatorFailure) -> GiteaPullRequest {
        guard let item = item(name, number), let pull = item.pull else { throw SimulatorFailure(status: 404, message: "pull request does not exist") }
        return GiteaPullRequest(
            number: number, title: item.title, state: item.state, merged: pull.merged, mergeable: pull.mergeable,
            draft: pull.draft, head: .init(ref: pull.headRef, sha: pull.headSHA), htmlURL: "\(baseURL)/\(name)/pulls/\(number)",
            changedFiles: pull.changedFiles, additions: pull.additions, deletions: pull.deletions)
    }

    /// Merges (Gitea's 404/405/409/422 answers); returns the status of success, 200.
    func merge(_ name: String, _ number: Int, login: String, style: String, headCommitID: String?) throws(SimulatorFailure) -> Int {
        guard let repo = repo(name), let item = repo.items[number], let pull = item.pull else {
            throw SimulatorFailure(status: 404, message: "pull request does not exist")
        }
        guard item.state == "open" || pull.merged else { throw SimulatorFailure(status: 404, message: "pull request is closed") }
        guard repo.writers.contains(login.lowercased()) else { throw SimulatorFailure(status: 405, message: "User not allowed to merge PR") }
        guard !pull.merged else { throw SimulatorFailure(status: 405, message: "PR already merged") }
        guard !pull.draft else { throw SimulatorFailure(status: 405, message: "The PR is a work in progress") }
        guard pull.mergeable else { throw SimulatorFailure(status: 405, message: "Please try again later") }
        guard MergeStyle(rawValue: style) != nil else { throw SimulatorFailure(status: 422, message: "Do: invalid") }
        if let headCommitID, !pull.headSHA.hasPrefix(headCommitID.lowercased()) { throw SimulatorFailure(status: 409, message: "head out of date") }
        update(name) { repo in
            repo.items[number]?.pull?.merged = true
            repo.items[number]?.state = "closed"
            repo.items[number]?.updatedAt = Date()
        }
        recordWrite("POST", "/repos/\(name)/pulls/\(number)/merge")
        emit(
            name, event: "pull_request",
            payload: ["action": "closed", "number": number, "pull_request": pullPayload(name, number), "sender": sender(login)])
        return 200
    }
}
