import Crypto
import Encoding
import Foundation
import Gate
import GiteaSimulator
import NostrCore
import TestSupport
import Testing

@testable import Bot

/// The webhook pieces as values: the verifier's table, Gitea's payloads read into events (from the simulator's
/// shapes and hand-written ones), the notice lines and digests, and the settings.
@Suite struct WebhookTests {
    static let verifier = WebhookVerifier(secret: "s3cret")

    static func signed(_ body: [UInt8], secret: String = "s3cret", event: String = "issue_comment", extra: [String: String] = [:]) -> [String: String]
    {
        let mac = Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))))
        return ["x-gitea-signature": mac, "x-gitea-event": event, "x-gitea-delivery": "0f6c7e32-5b1a-4d2e-9c3f-1a2b3c4d5e6f"].merging(extra) { $1 }
    }

    @Test func theVerifiersTable() {
        let body = Array(#"{"action":"created"}"#.utf8)
        guard case .accept(let delivery) = Self.verifier.verify(headers: Self.signed(body), body: body, now: 7) else {
            Issue.record("a signed delivery was not accepted")
            return
        }
        #expect(
            delivery
                == WebhookDelivery(
                    id: "0f6c7e32-5b1a-4d2e-9c3f-1a2b3c4d5e6f", event: "issue_comment", eventType: "issue_comment", body: #"{"action":"created"}"#,
                    receivedAt: 7))
        func status(_ headers: [String: String], _ body: [UInt8]) -> Int? {
            if case .answer(let status, _) = Self.verifier.verify(headers: headers, body: body, now: 7) { return status }
            return nil
        }
        var unsigned = Self.signed(body)
        unsigned["x-gitea-signature"] = nil
        #expect(status(unsigned, body) == 401)
        #expect(status(Self.signed(body, secret: "other"), body) == 401)
        #expect(status(Self.signed(body), Array(#"{"action":"edited"}"#.utf8)) == 401, "the signature covers the body")
        #expect(status(Self.signed(body, extra: ["x-gitea-signature": "zz"]), body) == 401)
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: WebhookVerifier.maximumBodyBytes + 1)
        #expect(status(Self.signed(huge), huge) == 413)
        let text = Array("hello".utf8)
        #expect(status(Self.signed(text), text) == 400)
        #expect(status(Self.signed(body, extra: ["x-gitea-delivery": "bad id!"]), body) == 400)
        #expect(status(Self.signed(body, event: "fork"), body) == 202)
        // GitHub's twin header works alone.
        var twin = Self.signed(body)
        twin["x-hub-signature-256"] = "sha256=" + (twin.removeValue(forKey: "x-gitea-signature") ?? "")
        #expect(status(twin, body) == nil)
    }

    @Test func kindsOfEvents() {
        #expect(WatchKind(event: "issues", eventType: "issues") == .issues)
        #expect(WatchKind(event: "pull_request", eventType: "pull_request") == .pulls)
        #expect(WatchKind(event: "pull_request", eventType: "pull_request_review_approved") == .reviews)
        #expect(WatchKind(event: "pull_request_approved", eventType: "pull_request_review_approved") == .reviews)
        #expect(WatchKind(event: "issue_comment", eventType: nil) == .comments)
        #expect(WatchKind(event: "workflow_run", eventType: nil) == .actions)
        for event in ["fork", "create", "delete", "wiki", "repository", ""] { #expect(WatchKind(event: event, eventType: nil) == nil, "\(event)") }
    }

    /// The simulator's deliveries (Gitea 1.26's shapes) read back into lines.
    @Test func simulatorPayloadsBecomeLines() async throws {
        let state = GiteaSimulatorState(baseURL: "https://forge")
        await state.seedExample()
        await state.addHook("ops/tc", url: URL(string: "http://127.0.0.1:1/hooks/gitea")!, secret: "s")
        let forge = SimulatedForge(state: state, token: "alice-token")
        let repo = try Repository("ops/tc")
        let issue = try await forge.createIssue(repo, title: "Deploy broke", body: "see logs", labels: [], assignees: [])
        let comment = try await SimulatedForge(state: state, token: "bob-token").createComment(repo, issue.number, body: "rolled back\nmore")
        _ = try await forge.editIssue(repo, issue.number, state: .closed)
        _ = try await forge.merge(repo, 1, style: .squash, headSHA: nil, deleteBranch: false)
        let hooks = await state.takeOutgoingWebhooks()
        let lines = hooks.compactMap { hook -> String? in
            let headers = Dictionary(hook.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
            guard case .accept(let delivery) = WebhookVerifier(secret: "s").verify(headers: headers, body: Array(hook.body), now: 1) else {
                return nil
            }
            return ForgeEvent(delivery).map(NoticeText.line)
        }
        #expect(
            lines == [
                "ops/tc#2 “Deploy broke” opened by alice https://forge/ops/tc/issues/2",
                "ops/tc#2 “Deploy broke” — bob commented: “rolled back” \(comment.htmlURL)",
                "ops/tc#2 “Deploy broke” closed by alice https://forge/ops/tc/issues/2",
                "ops/tc!1 “Add deploy script” merged by alice https://forge/ops/tc/pulls/1"
            ], "\(lines)")
        #expect(hooks.allSatisfy { hook in hook.headers.contains { $0.name == "X-Hub-Signature-256" && $0.value.hasPrefix("sha256=") } })
    }

    static func event(_ event: String, _ type: String? = nil, _ payload: String) -> ForgeEvent? {
        ForgeEvent(WebhookDelivery(id: "x", event: event, eventType: type ?? event, body: payload, receivedAt: 0))
    }

    @Test func handWrittenPayloadsOfTheOtherKinds() {
        let repo = #""repository":{"full_name":"ops/tc"},"sender":{"login":"carol"}"#
        let push = Self.event("push", nil, #"{"ref":"refs/heads/main","total_commits":3,"compare_url":"https://f/c",\#(repo)}"#)
        #expect(push.map(NoticeText.line) == "ops/tc: carol pushed 3 commits to main https://f/c")
        let release = Self.event(
            "release", nil, #"{"action":"published","release":{"tag_name":"v1.2","name":"One two","html_url":"https://f/r"},\#(repo)}"#)
        #expect(release.map(NoticeText.line) == "ops/tc “One two”: carol published release v1.2 https://f/r")
        let run = Self.event(
            "workflow_run", nil,
            #"{"action":"completed","workflow_run":{"run_number":12,"path":"deploy.yml@refs/heads/main","status":"completed","conclusion":"failure","html_url":"https://f/a"},\#(repo)}"#
        )
        #expect(run.map(NoticeText.line) == "ops/tc: carol run #12 of deploy.yml completed (failure) https://f/a")
        let review = Self.event(
            "pull_request", "pull_request_review_approved",
            #"{"action":"reviewed","pull_request":{"number":7,"title":"T","html_url":"https://f/p"},"review":{"content":"LGTM"},\#(repo)}"#)
        #expect(review.map(NoticeText.line) == "ops/tc!7 “T” — carol approved: “LGTM” https://f/p")
        let requested = Self.event(
            "pull_request", "pull_request_review_request",
            #"{"action":"review_requested","pull_request":{"number":7,"title":"T"},"requested_reviewer":{"login":"alice"},\#(repo)}"#)
        #expect(requested?.kind == .pulls && requested.map(NoticeText.line) == "ops/tc!7 “T” review requested from @alice by carol")
        let footer = GateFooter.append(to: "done", key: IdempotencyKey(hex: String(repeating: "a", count: 64)), action: .addComment, actor: "nostr:x")
        let echo = Self.event(
            "issue_comment", nil,
            #"{"action":"created","issue":{"number":2,"title":"T"},"comment":{"body":\#(CanonicalJSON.quoted(footer))},\#(repo)}"#)
        #expect(echo?.viaBot == true && echo.map(NoticeText.line)?.hasSuffix("(via operator-gate)") == true)
        for bad in ["", "[]", "{}", #"{"repository":{"full_name":"no-slash"}}"#, #"{"repository":5}"#] {
            #expect(Self.event("issues", nil, bad) == nil, "\(bad)")
        }
    }

    @Test func digestsListTenLinesThenCount() {
        #expect(NoticeText.message(["one"]) == "one")
        let many = (1...13).map { "line \($0)" }
        let text = NoticeText.message(many)
        #expect(text.hasPrefix("13 events:\nline 1\n") && text.hasSuffix("line 10\nand 3 more"), "\(text)")
    }

    @Test func settingsAndTheSecret() throws {
        func parse(_ text: String) throws -> WebhookSettings? { try WebhookSettings.parse(Data(text.utf8), directory: "/etc/og") }
        #expect(try parse("{}") == nil)
        let settings = try #require(try parse(#"{"webhook": {"secret_file": "hook.secret", "public_url": "https://bot.example/hooks/gitea"}}"#))
        #expect(settings.host == "127.0.0.1" && settings.port == 9478 && settings.digestSeconds == 10 && settings.echo)
        #expect(settings.noticesPerMinute == 12)
        #expect(settings.secretFile == "/etc/og/hook.secret")
        #expect(try settings.secret(environment: ["OPERATOR_GATE_WEBHOOK_SECRET": "  abc \n"]) == "abc")
        #expect(throws: BotConfigurationError.self) { try settings.secret(environment: [:]) }
        for bad in [
            #"{"webhook": {"listen": "nope"}}"#, #"{"webhook": {"digest_s": -1}}"#, #"{"webhook": {"public_url": "ftp://x"}}"#,
            #"{"webhook": {"notices_per_minute": 0}}"#
        ] {
            #expect(throws: BotConfigurationError.self, "\(bad)") { _ = try parse(bad) }
        }
    }
}

/// Personal notices: newly assigned (against what the bot saw last), asked to review, @-mentioned; never for what
/// the operator did.
@Suite struct PersonalNoticeTests {
    static func event(action: String, kind: String = "issues", actor: String = "bob", assignees: [String] = [], text: String? = nil) -> ForgeEvent {
        var issue: [String: Any] = ["number": 4, "title": "T", "body": text ?? "", "assignees": assignees.map { ["login": $0] }]
        if kind == "pull_request" { issue["merged"] = false }
        var payload: [String: Any] = ["action": action, "repository": ["full_name": "ops/tc"], "sender": ["login": actor]]
        payload[kind == "pull_request" ? "pull_request" : "issue"] = issue
        if action == "review_requested" { payload["requested_reviewer"] = ["login": "Alice"] }
        if kind == "issue_comment" { payload["comment"] = ["body": text ?? ""] }
        let body = String(decoding: try! JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
        return ForgeEvent(WebhookDelivery(id: "d", event: kind, eventType: kind, body: body, receivedAt: 0))!
    }

    @Test func theReasons() {
        let assigned = Self.event(action: "assigned", assignees: ["carol", "alice"])
        #expect(PersonalNotice.reason(assigned, login: "alice", previousAssignees: ["carol"]) == .assigned)
        #expect(PersonalNotice.reason(assigned, login: "alice", previousAssignees: ["carol", "ALICE"]) == nil, "already assigned before")
        #expect(PersonalNotice.reason(assigned, login: "alice", previousAssignees: nil) == .assigned)
        #expect(PersonalNotice.reason(assigned, login: "dave", previousAssignees: nil) == nil)
        #expect(NoticeText.line(assigned).hasPrefix("ops/tc#4 “T” assigned to @carol, @alice by bob"))
        #expect(
            PersonalNotice.reason(Self.event(action: "review_requested", kind: "pull_request"), login: "alice", previousAssignees: nil)
                == .reviewRequested)
        let mention = Self.event(action: "created", kind: "issue_comment", text: "cc @alice: please look")
        #expect(PersonalNotice.reason(mention, login: "ALICE", previousAssignees: nil) == .mentioned)
        #expect(PersonalNotice.reason(mention, login: "ali", previousAssignees: nil) == nil)
        #expect(PersonalNotice.reason(Self.event(action: "opened", text: "mail alice@alice.example"), login: "alice", previousAssignees: nil) == nil)
        #expect(PersonalNotice.reason(Self.event(action: "opened", text: "ping @alice."), login: "alice", previousAssignees: nil) == .mentioned)
        #expect(PersonalNotice.reason(Self.event(action: "opened", text: "@alice-bot"), login: "alice", previousAssignees: nil) == nil)
        #expect(
            PersonalNotice.reason(
                Self.event(action: "created", kind: "issue_comment", actor: "alice", text: "@alice"), login: "alice", previousAssignees: nil) == nil)
        #expect(
            PersonalNotice.reason(Self.event(action: "edited", kind: "issue_comment", text: "@alice"), login: "alice", previousAssignees: nil) == nil)
    }

    /// The assignees a delivery shows are kept for the next comparison, in the fan-out's transaction.
    @Test func assigneesAreRememberedWithTheFanOut() throws {
        let store = try InboxStore(
            path: ScratchDirectory.root.appendingPathComponent("og-hooks-\(UUID().uuidString)/inbox.sqlite").path)
        #expect(try store.lastAssignees(repo: "ops/tc", number: 4) == nil)
        let delivery = WebhookDelivery(id: "d1", event: "issues", eventType: "issues", body: "{}", receivedAt: 1)
        #expect(try store.storeDelivery(delivery) && !store.storeDelivery(delivery))
        try store.fanOut(deliveryID: "d1", notices: [("aa", "ops/tc", "line")], assignees: ("OPS/tc", 4, ["alice", "carol"]), now: 2)
        #expect(try store.lastAssignees(repo: "ops/tc", number: 4) == ["alice", "carol"])
        #expect(try store.deliveriesToFanOut().isEmpty)
        #expect(try store.queuedNotices().map(\.items.count) == [1])
        // Maintenance keeps it 30 days, then drops it; one not yet fanned out stays.
        _ = try store.storeDelivery(WebhookDelivery(id: "d2", event: "issues", eventType: "issues", body: "{}", receivedAt: 1))
        _ = try store.maintain(seenBefore: 0, publishedBefore: 2 + 28 * 86_400)
        #expect(try !store.storeDelivery(delivery), "still known")
        _ = try store.maintain(seenBefore: 0, publishedBefore: 2 + 30 * 86_400)
        #expect(try store.storeDelivery(delivery), "forgotten after 30 days")
        #expect(try store.deliveriesToFanOut().map(\.id).contains("d2"))
    }
}
