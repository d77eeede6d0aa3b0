import Crypto
import Encoding
import Foundation
import Gate

/// Webhooks, as Gitea 1.26 sends them for the simulator's writes: `issues` (opened, closed, reopened),
/// `issue_comment` (created), `pull_request` (closed with `merged`), with the headers `X-Gitea-Event`,
/// `X-Gitea-Event-Type`, `X-Gitea-Delivery`, `X-Gitea-Signature` (hex HMAC-SHA256 of the body) and their
/// `X-GitHub-*` / `X-Hub-Signature-256` twins. ``GiteaSimulator/run(state:port:logger:onPort:)`` posts them.
extension GiteaSimulatorState {
    /// One delivery on its way: where to, headers and body.
    public struct OutgoingWebhook: Sendable {
        public let url: URL
        public let headers: [(name: String, value: String)]
        public let body: Data
    }

    /// Sends every later event of `repository` to `url`, signed with `secret` (`POST /repos/{o}/{r}/hooks`).
    public func addHook(_ repository: String, url: URL, secret: String) {
        hooks.append((repository.lowercased(), url, secret, GiteaClient.hookEvents))
    }

    /// The repository's hooks as Gitea lists them (writers only).
    func hooksOrFail(_ repository: String, login: String) throws(SimulatorFailure) -> [GiteaHook] {
        guard let repo = repo(repository) else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
        guard repo.writers.contains(login.lowercased()) else { throw SimulatorFailure(status: 403, message: "must be a repository admin") }
        return hooks.enumerated().filter { $0.element.repository == repository.lowercased() }.map { index, hook in
            GiteaHook(
                id: Int64(index + 1), type: "gitea", active: true, events: hook.events,
                config: ["url": hook.url.absoluteString, "content_type": "json"])
        }
    }

    /// `POST /repos/{o}/{r}/hooks`: from now on the repository's events go to `url`.
    func createHook(_ repository: String, login: String, url: URL, secret: String, events: [String]) throws(SimulatorFailure) -> GiteaHook {
        _ = try hooksOrFail(repository, login: login)
        hooks.append((repository.lowercased(), url, secret, events))
        recordWrite("POST", "/repos/\(repository)/hooks")
        return GiteaHook(
            id: Int64(hooks.count), type: "gitea", active: true, events: events, config: ["url": url.absoluteString, "content_type": "json"])
    }

    /// Deliveries made so far that nobody sent yet (the HTTP simulator sends them as they come).
    public func takeOutgoingWebhooks() -> [OutgoingWebhook] {
        defer { outgoingWebhooks.removeAll() }
        return outgoingWebhooks
    }

    /// Queues the event for every hook of `repository`; the payload is built only when a hook wants it.
    func emit(_ repository: String, event: String, eventType: String? = nil, payload: @autoclosure () -> [String: Any]) {
        let targets = hooks.filter { $0.repository == repository.lowercased() }
        guard !targets.isEmpty else { return }
        var payload = payload()
        payload["repository"] = [
            "id": 1, "name": String(repository.split(separator: "/").last ?? ""), "full_name": repository,
            "html_url": "\(baseURL)/\(repository)", "owner": ["login": String(repository.split(separator: "/").first ?? "")]
        ]
        guard let body = try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]) else { return }
        for target in targets {
            let id = UUID().uuidString.lowercased()
            let signature = Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(target.secret.utf8)))))
            let type = eventType ?? event
            outgoingWebhooks.append(
                OutgoingWebhook(
                    url: target.url,
                    headers: [
                        ("Content-Type", "application/json"), ("X-Gitea-Event", event), ("X-Gitea-Event-Type", type), ("X-Gitea-Delivery", id),
                        ("X-Gitea-Signature", signature), ("X-GitHub-Event", event), ("X-GitHub-Event-Type", type), ("X-GitHub-Delivery", id),
                        ("X-Hub-Signature-256", "sha256=" + signature)
                    ], body: body))
        }
        webhookBell?()
    }

    func sender(_ login: String) -> [String: Any] { ["id": users[login.lowercased()] ?? 0, "login": login, "username": login] }

    /// The `issue` object of a payload (Gitea's Issue).
    func issuePayload(_ repository: String, _ number: Int) -> [String: Any] {
        guard let item = item(repository, number) else { return [:] }
        let issue = json(item, repository: repository)
        var object: [String: Any] = [
            "id": issue.id, "number": issue.number, "title": issue.title, "body": issue.body ?? "", "state": issue.state,
            "html_url": issue.htmlURL, "user": sender(issue.user.login), "assignees": issue.assignees?.map { sender($0.login) } ?? [],
            "labels": issue.labels?.map { ["id": $0.id, "name": $0.name] } ?? [], "created_at": issue.createdAt
        ]
        object["pull_request"] = item.pull.map { ["merged": $0.merged, "html_url": "\(baseURL)/\(repository)/pulls/\(number)"] } ?? NSNull()
        return object
    }

    /// The `pull_request` object of a payload (Gitea's PullRequest, the fields a notice reads).
    func pullPayload(_ repository: String, _ number: Int) -> [String: Any] {
        guard let item = item(repository, number), let pull = item.pull else { return [:] }
        return [
            "id": item.id, "number": number, "title": item.title, "body": item.body, "state": item.state, "merged": pull.merged,
            "html_url": "\(baseURL)/\(repository)/pulls/\(number)", "user": sender(item.author), "head": ["ref": pull.headRef, "sha": pull.headSHA],
            "assignees": item.assignees.map(sender)
        ]
    }
}
