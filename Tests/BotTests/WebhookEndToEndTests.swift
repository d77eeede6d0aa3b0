import Bot
import Crypto
import Encoding
import Foundation
import Gate
import GiteaSimulator
import NostrCore
import TestSupport
import Testing

/// Gitea → operator: the real `operator-gate run` receiving webhooks (from the simulator, and hand-made requests
/// for what Gitea never sends), the operator watching by DM, notices as DMs read by rust-nostr.
@Suite(.serialized) struct WebhookEndToEndTests {
    static let secret = "webhook-test-secret"

    /// A harness whose bot serves webhooks on a free port (digests after `digest` seconds).
    static func with(digest: Int = 2, _ body: @Sendable @escaping (BotHarness, URL) async throws -> Void) async throws {
        let port = try FreePort.find()
        let url = URL(string: "http://127.0.0.1:\(port)/hooks/gitea")!
        try await BotHarness.with(
            [.nostrRelay()],
            reachability: { _ in
                #", "discovery_relays": [], "webhook": {"listen": "127.0.0.1:\#(port)", "digest_s": \#(digest), "public_url": "http://127.0.0.1:\#(port)/hooks/gitea"}"#
            }
        ) { h in try await body(h, url) }
    }

    static func start(_ h: BotHarness, environment: [String: String] = [:]) async throws {
        try h.startBot(environment: ["OPERATOR_GATE_WEBHOOK_SECRET": "  \(secret)\n"].merging(environment) { $1 })
        try await h.waitUntilRunning()
    }

    /// Posts `body` as Gitea would (signed with `secret` unless `signature` says otherwise).
    static func post(
        _ url: URL, body: Data, event: String = "issue_comment", delivery: String = UUID().uuidString, signature: String?? = .none,
        secret: String = secret
    ) async throws -> (status: Int, text: String) {
        let mac = Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))))
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("X-Gitea-Event", event), ("X-Gitea-Delivery", delivery)
        ]
        switch signature {
        case .none: headers.append(("X-Gitea-Signature", mac))
        case .some(.some(let given)): headers.append(("X-Gitea-Signature", given))
        case .some(.none): break
        }
        let response = try await AsyncHTTPGiteaTransport().exchange(
            GiteaHTTPRequest(method: "POST", url: url, headers: headers, body: body, timeout: .seconds(10)))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    static func comment(number: Int = 1, text: String, by login: String = "bob") -> Data {
        let payload: [String: Any] = [
            "action": "created", "is_pull": false, "sender": ["login": login],
            "repository": ["full_name": "ops/tc", "html_url": "http://forge/ops/tc"],
            "issue": ["number": number, "title": "Hand-made", "html_url": "http://forge/ops/tc/issues/\(number)", "body": ""],
            "comment": ["body": text, "html_url": "http://forge/ops/tc/issues/\(number)#c"]
        ]
        return try! JSONSerialization.data(withJSONObject: payload)
    }

    /// Watch by DM, a comment on Gitea, one notice; then what the receiver refuses, and a repeated delivery id,
    /// change nothing.
    @Test func aWatchedCommentBecomesOneNoticeAndBadRequestsChangeNothing() async throws {
        try await Self.with { h, url in
            try await Self.start(h)
            let watched = try await h.ask("watch", from: h.alice, scheme: "nip17")
            #expect(watched == "✓ Watching ops/tc: issues, pulls, comments.", "\(watched)")
            await h.state.addHook("ops/tc", url: url, secret: Self.secret)
            let issue = await h.state.addIssue("ops/tc", title: "Flaky deploy", author: "alice")
            _ = try await SimulatedForge(state: h.state, token: "bob-token").createComment(
                try Repository("ops/tc"), issue, body: "Seen again\nat 3 am")
            let notices = try await h.awaitReplies(to: h.alice, count: 2).map(\.text).filter { !$0.hasPrefix("✓") }
            #expect(notices.count == 1 && notices[0].hasPrefix("ops/tc#\(issue) “Flaky deploy” — bob commented: “Seen again” http://"), "\(notices)")

            let body = Self.comment(text: "by hand")
            #expect(try await Self.post(url, body: body, signature: .some(nil)).status == 401)
            #expect(try await Self.post(url, body: body, signature: .some(String(repeating: "0", count: 64))).status == 401)
            #expect(try await Self.post(url, body: body, secret: "not-the-secret").status == 401)
            #expect(try await Self.post(url, body: Data(repeating: UInt8(ascii: " "), count: (1 << 20) + 10)).status == 413)
            #expect(try await Self.post(url, body: Data("not json".utf8)).status == 400)
            #expect(try await Self.post(url, body: body, event: "fork").status == 202)
            let first = try await Self.post(url, body: body, delivery: "11111111-2222-3333-4444-555555555555")
            let again = try await Self.post(url, body: body, delivery: "11111111-2222-3333-4444-555555555555")
            #expect(first.status == 200 && first.text.hasPrefix("stored") && again.status == 200 && again.text.hasPrefix("already stored"))
            // The hand-made delivery is the third DM; nothing else comes.
            _ = try await h.awaitReplies(to: h.alice, count: 3)
            try await Task.sleep(for: .seconds(3))
            let all = try await h.replies(to: h.alice).map(\.text)
            #expect(all.count == 3 && all.filter { $0.contains("by hand") }.count == 1, "\(all)")
        }
    }

    /// `webhook install` creates the hook through Gitea's API (once: a second run finds it), the simulator then
    /// delivers to the bot, and `doctor` finds the hook of the watched repository.
    @Test func installCreatesTheHookOnceAndDoctorFindsIt() async throws {
        try await Self.with { h, url in
            let environment = ["GITEA_TOKEN": "", "OPERATOR_GATE_WEBHOOK_SECRET": Self.secret]
            let (status, out, errors) = try await OperatorGateProcess.run(
                ["webhook", "install", "ops/tc", "--config", h.configPath], environment: environment)
            #expect(status == 0 && out.contains(#""hook":1"#) && out.contains(#""created":true"#), "\(out)\(errors)")
            let again = try await OperatorGateProcess.run(["webhook", "install", "ops/tc", "--config", h.configPath], environment: environment)
            #expect(again.0 == 0 && again.1.contains(#""created":false"#), "\(again.1)\(again.2)")
            try await Self.start(h)
            _ = try await h.ask("watch", from: h.alice, scheme: "nip17")
            let issue = await h.state.addIssue("ops/tc", title: "Via the installed hook", author: "alice")
            _ = try await SimulatedForge(state: h.state, token: "bob-token").createComment(try Repository("ops/tc"), issue, body: "installed")
            let replies = try await h.awaitReplies(to: h.alice, count: 2).map(\.text)
            #expect(replies.contains { $0.contains("bob commented: “installed”") }, "\(replies)")
            let doctor = try await OperatorGateProcess.run(["doctor", "--config", h.configPath], environment: environment)
            #expect(doctor.1.contains("✓ webhook ops/tc: hook 1 delivers to \(url.absoluteString)"), "\(doctor.1)")
            #expect(doctor.1.contains("webhook: last delivery received 20"), "\(doctor.1)")
        }
    }

    /// Two instances on one PostgreSQL database: the same delivery posted to both, and others to either, each
    /// become one notice; the subscription made through one instance holds for both.
    @Test(.enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES (scripts/test starts a private cluster)"))
    func twoInstancesOnPostgreSQLSendOneNoticePerDelivery() async throws {
        try await Self.with { h, _ in
            let ledger = try await PostgresScratch.createDatabase()
            let ports = [try FreePort.find(), try FreePort.find()]
            let environment = ["OPERATOR_GATE_WEBHOOK_SECRET": Self.secret]
            for number in 0..<2 {
                try h.startInstance(
                    number, ledger: ledger, password: PostgresScratch.password ?? "", lease: 5, environment: environment, webhookPort: ports[number])
            }
            for number in 0..<2 { try await h.waitUntilInstanceRunning(number) }
            _ = try await h.ask("watch ops/tc comments", from: h.alice, scheme: "nip17")
            let urls = ports.map { URL(string: "http://127.0.0.1:\($0)/hooks/gitea")! }
            let body = Self.comment(text: "posted to both")
            let both = try await withThrowingTaskGroup(of: Int.self) { group in
                for url in urls { group.addTask { try await Self.post(url, body: body, delivery: "aaaaaaaa-0000-0000-0000-000000000001").status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(both == [200, 200])
            for index in 0..<6 { #expect(try await Self.post(urls[index % 2], body: Self.comment(text: "one of six \(index)")).status == 200) }
            let deadline = Date().addingTimeInterval(30)
            var notices: [String] = []
            func covered() -> Int { notices.reduce(0) { $0 + (Int($1.split(separator: " ").first ?? "") ?? 1) } }
            while Date() < deadline && covered() < 7 {
                try await Task.sleep(for: .milliseconds(500))
                notices = try await h.replies(to: h.alice).map(\.text).filter { !$0.hasPrefix("✓") }
            }
            try await Task.sleep(for: .seconds(3))
            notices = try await h.replies(to: h.alice).map(\.text).filter { !$0.hasPrefix("✓") }
            #expect(covered() == 7, "\(notices)")
            #expect(notices.joined(separator: "\n").components(separatedBy: "posted to both").count == 2, "\(notices)")
            // doctor reads the subscriptions from the shared database: ops/tc is watched and has no hook yet.
            let doctor = try await OperatorGateProcess.run(
                ["doctor", "--config", h.instanceConfig(0)],
                environment: ["GITEA_TOKEN": "", "OPERATOR_GATE_LEDGER_PASSWORD": PostgresScratch.password ?? ""].merging(environment) { $1 })
            #expect(doctor.1.contains("✗ webhook ops/tc: no active hook delivers to"), "\(doctor.1)")
        }
    }

    /// Killed after a delivery is stored and before Gitea gets its answer or any DM is made: after the restart, one
    /// notice.
    @Test func aKillBetweenStoringTheDeliveryAndTheDMStillSendsOne() async throws {
        try await Self.with { h, url in
            try await Self.start(h)
            _ = try await h.ask("watch ops/tc comments", from: h.alice, scheme: "nip04")
            h.killBot()
            try await Self.start(h, environment: [StopPoint.environmentVariable: StopPoint.webhookStored.rawValue])
            let posting = Task { try? await Self.post(url, body: Self.comment(text: "before the crash")) }
            try await BotHarness.waitUntilStopped(h.process)
            h.killBot()
            _ = await posting.value
            try await Self.start(h)
            let replies = try await h.awaitReplies(to: h.alice, count: 2, timeout: 30)
            try await Task.sleep(for: .seconds(3))
            let settled = try await h.replies(to: h.alice).map(\.text)
            #expect(settled.filter { $0.contains("before the crash") }.count == 1, "\(settled) \(replies.map(\.text))")
        }
    }

    /// 200 comments in a burst: what came first goes out at once, the rest as digests (one per `digest_s`, ten lines
    /// and "and N more" each), and every comment is in exactly one DM.
    @Test func aBurstBecomesDigests() async throws {
        try await Self.with(digest: 2) { h, url in
            try await Self.start(h)
            _ = try await h.ask("watch", from: h.alice, scheme: "nip17")
            let started = Date()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask { try await Self.post(url, body: Self.comment(text: "burst \(index) end")).status }
                    if index % 16 == 15 { for try await status in group.prefix(16) { #expect(status == 200) } }
                }
                for try await status in group { #expect(status == 200) }
            }
            let deadline = Date().addingTimeInterval(30)
            var covered = 0
            var notices: [String] = []
            while Date() < deadline && covered < 200 {
                try await Task.sleep(for: .milliseconds(500))
                notices = try await h.replies(to: h.alice).map(\.text).filter { !$0.hasPrefix("✓") }
                covered = notices.reduce(0) { $0 + (Int($1.split(separator: " ").first ?? "") ?? 1) }
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(covered == 200, "\(notices.count) DMs cover \(covered) events")
            #expect(notices.count <= Int(elapsed / 2) + 2, "\(notices.count) DMs in \(elapsed) s")
            // What was stored before the service woke goes at once (alone, or together); the rest waits for digests (a
            // window that caught a single event sends it as one line).
            #expect(notices.count >= 2 && notices.filter { $0.contains(" events:\n") }.count >= 1, "\(notices.prefix(3))")
            #expect(notices.allSatisfy { !$0.contains("\n") || $0.contains(" events:\n") && $0.split(separator: "\n").count <= 12 })
            let lines = notices.flatMap { $0.split(separator: "\n") }.filter { $0.contains("burst ") }
            #expect(Set(lines.map { String($0) }).count == lines.count, "no line twice")
        }
    }
}
