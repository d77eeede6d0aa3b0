import Foundation
import Gate

/// The in-memory forge behind ``GiteaSimulator``: users and tokens, repositories, issues and pull requests sharing
/// numbers, comments, labels with ids, assignees and merge states, with Gitea 1.26's rules.
public actor GiteaSimulatorState {
    public struct Item: Sendable {
        public var id: Int64
        public var number: Int
        public var title: String
        public var body: String
        public var state: String = "open"
        public var author: String
        public var assignees: [String] = []
        public var labels: [Int64] = []
        public var comments: [GiteaComment] = []
        public var createdAt: Date
        public var updatedAt: Date
        public var pull: Pull?
    }

    public struct Pull: Sendable {
        public var merged = false
        public var mergeable = true
        public var draft = false
        public var headSHA: String
        public var headRef = "feature"
        /// The size of the change (`changed_files`, `additions`, `deletions`).
        public var changedFiles = 2
        public var additions = 40
        public var deletions = 3
    }

    struct Repo: Sendable {
        var items: [Int: Item] = [:]
        var labels: [GiteaLabel] = []
        var writers: Set<String> = []
        var nextNumber = 1
        var defaultBranch = "main"
        var branches: Set<String> = ["main"]
        var workflows: [Workflow] = []
        var runs: [Run] = []
        var nextRunNumber = 1
    }

    /// Faults to inject, for tests no real Gitea reproduces on demand.
    public enum Fault: Sendable, Equatable {
        /// Answer the next request with a 500 and change nothing.
        case fail500
        /// Apply the next write, then hold the response for this long (the client times out: outcome unknown).
        case stallAfterCommit(seconds: Double)
        /// Apply the next write, then close the connection without answering.
        case dropAfterCommit
        /// Hold the next request this long before handling it.
        case delay(seconds: Double)
        /// Answer the request with this 1-based number (counted from when the fault is injected) with a 500.
        case fail500AtRequest(Int)
        /// Answer the next write (reads pass) with a 500 and change nothing.
        case fail500OnWrite
    }

    var users: [String: Int64] = [:]
    /// Logins as created (users' keys are lowercased).
    var logins: [String: String] = [:]
    /// Site administrators (lowercased): their tokens may act as anyone with `Sudo:`.
    var admins: Set<String> = []
    var tokens: [String: String] = [:]
    var repos: [String: Repo] = [:]
    var orgLabels: [String: [GiteaLabel]] = [:]
    var nextID: Int64 = 1000
    var faults: [Fault] = []
    /// Issues newer than this are not yet found by `q` (Gitea's indexer is asynchronous).
    public var indexLag: TimeInterval = 0
    /// Webhooks: (repository, url, secret), deliveries not sent yet, and who to tell when one is queued.
    var hooks: [(repository: String, url: URL, secret: String, events: [String])] = []
    var outgoingWebhooks: [OutgoingWebhook] = []
    var webhookBell: (@Sendable () -> Void)?
    /// How long a workflow job takes from queued to finished (queued for the first half, in progress after).
    public var jobDuration: TimeInterval = 2
    /// Every write request applied, for tests to count (method, path).
    public private(set) var writes: [(String, String)] = []
    public private(set) var requestCount = 0
    /// How many injected faults fired, in order: a test named for a fault asserts it was reached.
    public private(set) var firedFaults: [Fault] = []
    /// Writes applied and now held by ``Fault/stallAfterCommit(seconds:)`` (the client has no answer yet).
    public private(set) var heldAfterCommit = 0
    public private(set) var baseURL: String

    /// - Parameter baseURL: the web URL in `html_url`s; by default the address the simulator binds.
    public init(baseURL: String? = nil) {
        self.baseURL = baseURL ?? "http://127.0.0.1"
        self.followsBoundPort = baseURL == nil
    }

    private let followsBoundPort: Bool

    /// Called by the HTTP simulator: `bell` rings whenever a webhook delivery is queued.
    func onWebhook(_ bell: @escaping @Sendable () -> Void) { webhookBell = bell }

    /// Called once the server is bound: links then point at it.
    func bound(port: Int) {
        if followsBoundPort { baseURL = "http://127.0.0.1:\(port)" }
    }

    // MARK: Setup

    public func addUser(_ login: String, token: String? = nil, admin: Bool = false) {
        nextID += 1
        users[login.lowercased()] = nextID
        logins[login.lowercased()] = login
        if admin { admins.insert(login.lowercased()) }
        if let token { tokens[token] = login }
    }

    /// Adds a token for an existing user (a personal access token).
    public func addToken(_ token: String, for login: String) { tokens[token] = logins[login.lowercased()] ?? login }

    public func addRepository(_ name: String, writers: [String]) {
        repos[name.lowercased(), default: Repo()].writers = Set(writers.map { $0.lowercased() })
    }

    @discardableResult
    public func addLabel(_ name: String, repository: String? = nil, organisation: String? = nil) -> Int64 {
        nextID += 1
        let label = GiteaLabel(id: nextID, name: name)
        if let repository { repos[repository.lowercased(), default: Repo()].labels.append(label) }
        if let organisation { orgLabels[organisation.lowercased(), default: []].append(label) }
        return nextID
    }

    /// Opens an issue; returns its number.
    @discardableResult
    public func addIssue(_ repository: String, title: String, author: String) -> Int {
        var repo = repos[repository.lowercased(), default: Repo()]
        nextID += 1
        let number = repo.nextNumber
        repo.nextNumber += 1
        repo.items[number] = Item(id: nextID, number: number, title: title, body: "", author: author, createdAt: Date(), updatedAt: Date())
        repos[repository.lowercased()] = repo
        return number
    }

    /// Opens a pull request; returns its number.
    @discardableResult
    public func addPullRequest(_ repository: String, title: String, author: String, headSHA: String, mergeable: Bool = true, draft: Bool = false)
        -> Int
    {
        var repo = repos[repository.lowercased(), default: Repo()]
        nextID += 1
        let number = repo.nextNumber
        repo.nextNumber += 1
        repo.items[number] = Item(
            id: nextID, number: number, title: title, body: "", author: author, createdAt: Date(), updatedAt: Date(),
            pull: Pull(mergeable: mergeable, draft: draft, headSHA: headSHA))
        repos[repository.lowercased()] = repo
        return number
    }

    /// A small forge for tests and `demo`: the bot `gatebot` (token `bot-token`, a site administrator, so it may
    /// use `Sudo:`; writer on ops/tc), users alice (token `alice-token`, writer on ops/tc), bob (token `bob-token`,
    /// may read only) and reader (token `reader-token`), labels bug and ops on ops/tc,
    /// urgent on the `ops` organisation, two labels named twin, pull request !1 "Add deploy script", and the
    /// workflows deploy.yml ("Deploy": build, deploy) and ci.yml ("CI": test, which fails at its first attempt).
    public func seedExample() {
        let repo = "ops/tc"
        addUser("gatebot", token: "bot-token", admin: true)
        addUser("alice", token: "alice-token")
        addUser("bob", token: "bob-token")
        addUser("reader", token: "reader-token")
        addRepository(repo, writers: ["gatebot", "alice"])
        _ = addLabel("bug", repository: repo)
        _ = addLabel("ops", repository: repo)
        _ = addLabel("twin", repository: repo)
        _ = addLabel("twin", repository: repo)
        _ = addLabel("urgent", organisation: "ops")
        _ = addPullRequest(repo, title: "Add deploy script", author: "alice", headSHA: "0123456789abcdef0123456789abcdef01234567")
        addWorkflow(repo, file: "deploy.yml", name: "Deploy", jobs: ["build", "deploy"])
        addWorkflow(repo, file: "ci.yml", name: "CI", jobs: ["test"], flaky: ["test"])
    }

    public func inject(_ fault: Fault) { faults.append(fault) }

    public func item(_ repository: String, _ number: Int) -> Item? { repos[repository.lowercased()]?.items[number] }

    public func items(_ repository: String) -> [Item] {
        (repos[repository.lowercased()]?.items.values.map { $0 } ?? []).sorted { $0.number < $1.number }
    }

    public func setPullState(
        _ repository: String, _ number: Int, merged: Bool? = nil, mergeable: Bool? = nil, state: String? = nil, headSHA: String? = nil
    ) {
        guard var item = repos[repository.lowercased()]?.items[number] else { return }
        if let headSHA { item.pull?.headSHA = headSHA }
        if let merged { item.pull?.merged = merged }
        if let mergeable { item.pull?.mergeable = mergeable }
        if let state { item.state = state }
        repos[repository.lowercased()]?.items[number] = item
    }

    // MARK: Used by the routes

    func nextFault(write: Bool) -> Fault? {
        requestCount += 1
        guard let fault = takeFault(write: write) else { return nil }
        firedFaults.append(fault)
        return fault
    }

    private func takeFault(write: Bool) -> Fault? {
        // Count down every pending "N-th request" fault; the one reaching zero fires.
        for index in faults.indices {
            if case .fail500AtRequest(let n) = faults[index] {
                if n <= 1 {
                    faults.remove(at: index)
                    return .fail500AtRequest(n)
                }
                faults[index] = .fail500AtRequest(n - 1)
            }
        }
        guard let index = faults.firstIndex(where: { if case .fail500AtRequest = $0 { false } else { true } }) else { return nil }
        let fault = faults[index]
        switch fault {
        case .fail500, .delay:
            faults.remove(at: index)
            return fault
        case .stallAfterCommit, .dropAfterCommit, .fail500OnWrite:
            guard write else { return nil }
            faults.remove(at: index)
            return fault
        case .fail500AtRequest:
            return nil
        }
    }

    func holding(_ change: Int) { heldAfterCommit += change }

    func login(token: String?) -> String? { token.flatMap { tokens[$0] } }

    /// Who a request acts as: the token's user, or with `Sudo:` the named user, which Gitea allows only to a site
    /// administrator's token (403 otherwise; 404 for a user that does not exist).
    func caller(token: String?, sudo: String?) throws(SimulatorFailure) -> String {
        guard let login = login(token: token) else { throw SimulatorFailure(status: 401, message: "token is required") }
        guard let sudo, !sudo.isEmpty else { return login }
        guard admins.contains(login.lowercased()) else { throw SimulatorFailure(status: 403, message: "Only administrators allowed to sudo.") }
        guard let known = logins[sudo.lowercased()] else { throw SimulatorFailure(status: 404, message: "user does not exist [name: \(sudo)]") }
        return known
    }

    func recordWrite(_ method: String, _ path: String) { writes.append((method, path)) }

    func repo(_ name: String) -> Repo? { repos[name.lowercased()] }

    /// Changes a repository in place: copying it out and back would copy every issue it holds on each write.
    func update(_ name: String, _ change: (inout Repo) -> Void) {
        let key = name.lowercased()
        guard repos[key] != nil else { return }
        change(&repos[key]!)
    }

    func newID() -> Int64 {
        nextID += 1
        return nextID
    }

    func userExists(_ login: String) -> Bool { users[login.lowercased()] != nil }

    /// The repository as `login` sees it (Gitea's `permissions`), or nil when there is none.
    func repositoryView(_ name: String, login: String) -> GiteaRepository? {
        guard let repo = repos[name.lowercased()] else { return nil }
        return GiteaRepository(
            fullName: name, permissions: .init(admin: false, push: repo.writers.contains(login.lowercased()), pull: true),
            defaultBranch: repo.defaultBranch, htmlURL: "\(baseURL)/\(name)")
    }

    /// Whether `name` is a user or owns a repository (an organisation).
    func ownerExists(_ name: String) -> Bool {
        userExists(name) || repos.keys.contains { $0.hasPrefix(name.lowercased() + "/") }
    }

    func user(_ login: String) -> GiteaUser { GiteaUser(id: users[login.lowercased()] ?? 0, login: login) }

    func organisationLabels(_ owner: String) -> [GiteaLabel]? { orgLabels[owner.lowercased()] }

    func allLabels(_ repository: String) -> [GiteaLabel] {
        (repos[repository.lowercased()]?.labels ?? []) + (orgLabels[String(repository.split(separator: "/")[0]).lowercased()] ?? [])
    }

    func json(_ item: Item, repository: String) -> GiteaIssue {
        let all = allLabels(repository)
        let kind = item.pull == nil ? "issues" : "pulls"
        return GiteaIssue(
            id: item.id, number: item.number, title: item.title, body: item.body, state: item.state,
            htmlURL: "\(baseURL)/\(repository)/\(kind)/\(item.number)", user: user(item.author),
            assignees: item.assignees.map(user), labels: item.labels.compactMap { id in all.first { $0.id == id } },
            pullRequest: item.pull.map { .init(merged: $0.merged, draft: $0.draft, htmlURL: "\(baseURL)/\(repository)/pulls/\(item.number)") },
            createdAt: GiteaSimulator.timestamp(item.createdAt))
    }
}
