import Encoding
import Foundation
import Gate

/// What a webhook delivery says happened, read from Gitea 1.26's payload (`modules/structs/hook.go`: issues,
/// issue_comment, pull_request with its review events, push, release, workflow_run). Unknown fields are ignored;
/// a payload without a repository is no event.
public struct ForgeEvent: Sendable, Equatable {
    public let kind: WatchKind
    /// `owner/name`.
    public let repository: String
    public let number: Int?
    public let isPull: Bool
    public let title: String?
    /// What happened, as the line says it: "commented", "opened", "merged", "approved", …
    public let what: String
    /// Who did it (`sender.login`).
    public let actor: String
    /// A comment's or review's text, or a push's or release's summary.
    public let excerpt: String?
    public let url: String?
    /// Whether the bot itself made the change (its key footer is in the text).
    public let viaBot: Bool
    /// The issue's or pull request's assignees as the payload lists them (all of them, not only the new ones).
    public let assignees: [String]?
    /// The login asked to review (`review_requested`).
    public let requestedReviewer: String?
    /// New text the event brings (an opened issue's or pull request's body, a new comment), for @-mentions.
    public let newText: String?
    /// Gitea's `action` (`opened`, `assigned`, `created`, …).
    public let action: String

    private struct User: Decodable { let login: String? }
    private struct Repo: Decodable { let full_name: String? }
    private struct PullRef: Decodable { let merged: Bool? }
    private struct Issue: Decodable {
        let number: Int?, title: String?, html_url: String?, body: String?, pull_request: PullRef?, assignees: [User]?
    }
    private struct Comment: Decodable { let body: String?, html_url: String? }
    private struct Pull: Decodable { let number: Int?, title: String?, html_url: String?, body: String?, merged: Bool?, assignees: [User]? }
    private struct Review: Decodable { let type: String?, content: String? }
    private struct Release: Decodable { let tag_name: String?, name: String?, html_url: String? }
    private struct Run: Decodable { let run_number: Int?, path: String?, status: String?, conclusion: String?, html_url: String? }
    private struct Payload: Decodable {
        let action: String?, number: Int?, repository: Repo?, sender: User?, issue: Issue?, comment: Comment?
        let pull_request: Pull?, requested_reviewer: User?, review: Review?, is_pull: Bool?
        let ref: String?, total_commits: Int?, compare_url: String?, pusher: User?, release: Release?, workflow_run: Run?
    }

    /// The event of a delivery; `nil` when its payload is not one.
    public init?(_ delivery: WebhookDelivery) {
        guard let kind = WatchKind(event: delivery.event, eventType: delivery.eventType),
            let payload = try? JSONDecoder().decode(Payload.self, from: Data(delivery.body.utf8)),
            let repository = payload.repository?.full_name, (try? Repository(repository)) != nil
        else { return nil }
        self.kind = kind
        self.repository = repository
        actor = payload.sender?.login ?? payload.pusher?.login ?? "someone"
        let action = payload.action ?? ""
        self.action = action
        requestedReviewer = payload.requested_reviewer?.login
        assignees = (payload.issue?.assignees ?? payload.pull_request?.assignees)?.compactMap(\.login)
        switch (kind, action) {
        case (.comments, "created"): newText = payload.comment?.body
        case (.issues, "opened"): newText = payload.issue?.body
        case (.pulls, "opened"): newText = payload.pull_request?.body
        default: newText = nil
        }
        switch kind {
        case .comments:
            (number, isPull, title) = (payload.issue?.number, payload.is_pull ?? (payload.issue?.pull_request != nil), payload.issue?.title)
            (what, excerpt, url) = (action == "created" ? "commented" : "\(action) a comment", payload.comment?.body, payload.comment?.html_url)
            viaBot = GateFooter.isPresent(in: payload.comment?.body ?? "")
        case .issues:
            (number, isPull, title, url) = (payload.issue?.number ?? payload.number, false, payload.issue?.title, payload.issue?.html_url)
            let to = (payload.issue?.assignees ?? []).compactMap(\.login).map { "@" + $0 }.joined(separator: ", ")
            (what, excerpt) = (action == "assigned" && !to.isEmpty ? "assigned to \(to)" : action.replacingOccurrences(of: "_", with: " "), nil)
            viaBot = GateFooter.isPresent(in: payload.issue?.body ?? "")
        case .pulls, .reviews:
            let pull = payload.pull_request
            (number, isPull, title, url) = (pull?.number ?? payload.number, true, pull?.title, pull?.html_url)
            if kind == .reviews {
                (what, excerpt) = (Self.review(delivery.eventType), payload.review?.content)
            } else if action == "closed" && pull?.merged == true {
                (what, excerpt) = ("merged", nil)
            } else if action == "review_requested", let reviewer = payload.requested_reviewer?.login {
                (what, excerpt) = ("review requested from @\(reviewer)", nil)
            } else {
                (what, excerpt) = (action.replacingOccurrences(of: "_", with: " "), nil)
            }
            viaBot = kind == .pulls && action == "opened" && GateFooter.isPresent(in: pull?.body ?? "")
        case .push:
            let branch = payload.ref.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 } ?? "?"
            let count = payload.total_commits ?? 0
            (number, isPull, title, url, viaBot) = (nil, false, nil, payload.compare_url, false)
            (what, excerpt) = ("pushed \(count) commit\(count == 1 ? "" : "s") to \(branch)", nil)
        case .releases:
            let release = payload.release
            (number, isPull, title, url, viaBot) = (nil, false, release?.name, release?.html_url, false)
            (what, excerpt) = ("\(action) release \(release?.tag_name ?? "?")", nil)
        case .actions:
            let run = payload.workflow_run
            (number, isPull, title, url, viaBot) = (nil, false, nil, run?.html_url, false)
            let file = run?.path.map { String($0.split(separator: "@").first ?? "") } ?? "workflow"
            let result = run?.conclusion.map { " (\($0))" } ?? ""
            (what, excerpt) = ("run #\(run?.run_number ?? 0) of \(file) \(run?.status ?? action)\(result)", nil)
        }
    }

    private static func review(_ eventType: String) -> String {
        switch eventType {
        case "pull_request_review_approved": return "approved"
        case "pull_request_review_rejected": return "requested changes"
        default: return "reviewed"
        }
    }
}
