import Bot
import CLISupport
import Foundation
import Gate
import GiteaSimulator
import Logging
import NostrCore
import NostrIngress

/// The demo's configuration folder and its conversation: an operator's client built from NostrCore and a relay pool.
struct DemoScript {
    let folder: URL
    let bot = SecretKey.generate()
    let alice = SecretKey.generate()
    let stranger = SecretKey.generate()
    let relayURL: String
    /// Alice's DM inbox relay (her kind 10050): not one of the bot's relays.
    let inboxURL: String
    var configPath: String { folder.appendingPathComponent("operator-gate.json").path }
    /// Where the bot receives Gitea's webhooks, and their secret.
    let webhookURL: URL
    let webhookSecret = "demo-webhook-secret"

    init(folder: URL, giteaURL: String, relayURL: String, inboxURL: String, webhookPort: Int) throws {
        self.folder = folder
        (self.relayURL, self.inboxURL) = (relayURL, inboxURL)
        webhookURL = URL(string: "http://127.0.0.1:\(webhookPort)/hooks/gitea")!
        let secretFile = folder.appendingPathComponent("webhook.secret").path
        try (webhookSecret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile)
        let keyFile = folder.appendingPathComponent("bot.nsec").path
        try (bot.nsec + "\n").write(toFile: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        let tokenFile = folder.appendingPathComponent("gitea.token").path
        try "bot-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        try #"{"relays": [{"url": "\#(relayURL)"}]}"#.write(to: folder.appendingPathComponent("relays.json"), atomically: true, encoding: .utf8)
        let config = """
            {"key_file": "bot.nsec", "relays_file": "relays.json", "data_dir": "data",
             "gitea": {"url": "\(giteaURL)", "token_file": "gitea.token", "login": "gatebot"},
             "operators": [{"npub": "\(alice.publicKey.npub)", "name": "alice", "repos": ["ops/*"],
                            "actions": ["create_issue", "add_comment", "close_issue", "reopen_issue", "assign_issue",
                                        "label_issue", "merge_pr", "show", "status", "list", "dispatch_workflow",
                                        "rerun_workflow", "watch"],
                            "gitea_user": "alice", "confirm": ["merge_pr"],
                            "default_repo": "ops/tc", "aliases": {"tc": "ops/tc"}}],
             "limits": {"max_dm_bytes": 16384, "commands_per_minute": 30, "max_dm_age_s": 900, "clock_skew_s": 300},
             "reply_to_strangers": false, "discovery_relays": [],
             "webhook": {"listen": "127.0.0.1:\(webhookPort)", "secret_file": "webhook.secret", "digest_s": 2}}
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Sends the DMs and prints each with its answer; true when every answer was as expected.
    func converse(forge: GiteaSimulatorState, logger: Logger) async throws -> Bool {
        let quiet = logger.quieted
        let now = Int64(Date().timeIntervalSince1970)
        let client = KeyPair(secretKey: alice)
        // As her client does: NIP-17 answers are read on her DM inbox relay only, NIP-04 ones on the bot's relay.
        let filters = InboxCursor().filters(recipient: alice.publicKey, now: now, lookback: 60)
        let inboxPool = RelayPool(relays: try RelayList([RelayEndpoint(url: inboxURL)]), keyPair: client, logger: quiet) {
            filters.filter { $0.key == "inbox-nip17" }
        }
        let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: relayURL)]), keyPair: client, logger: quiet) {
            filters.filter { $0.key == "inbox-nip04" }
        }
        let decoder = DirectMessageDecoder(keys: ConversationKeyCache(secretKey: alice))
        let strangerPool = RelayPool(relays: try RelayList([RelayEndpoint(url: relayURL)]), keyPair: nil, logger: quiet) { [:] }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for running in [pool, inboxPool, strangerPool] { group.addTask { await running.run() } }
            for running in [pool, inboxPool, strangerPool] { await running.waitForConnections(timeout: .seconds(5)) }
            let mailbox = AnswerMailbox()
            group.addTask { await mailbox.collect(pool.events, decoder: decoder, from: bot.publicKey) }
            group.addTask { await mailbox.collect(inboxPool.events, decoder: decoder, from: bot.publicKey) }
            // Let the bot connect and subscribe.
            try await Task.sleep(for: .milliseconds(500))
            var allGood = true

            @discardableResult
            func say(_ text: String, scheme: DirectMessage.Scheme, expect: String) async throws -> String? {
                let time = Int64(Date().timeIntervalSince1970)
                let event: Event
                switch scheme {
                case .nip04:
                    event = NIP04.message(text, author: client, recipient: bot.publicKey, now: time)
                case .nip17:
                    event = try NIP17.message(text, author: client, recipient: bot.publicKey, now: time).toRecipient
                }
                StandardIO.printLine("alice → bot [\(scheme.rawValue)]: " + text.replacingOccurrences(of: "\n", with: "\n      "))
                _ = await pool.publish(event, deadline: .seconds(5))
                let answer = await mailbox.next(timeout: .seconds(10))?.text
                let good = answer?.hasPrefix(expect) == true
                allGood = allGood && good
                StandardIO.printLine("bot → alice: " + (answer ?? "(no answer within 10 s)") + (good ? "" : "   ← expected “\(expect)…”"))
                StandardIO.printLine("")
                return answer
            }

            try await say("issue Deploy broke on prod\nThe deploy job failed at step 3.\nlabels: bug", scheme: .nip17, expect: "✓")
            try await say("comment tc#2 Rolled back to the previous release; investigating.", scheme: .nip04, expect: "✓")
            try await say("comment tc#2 Rolled back to the previous release; investigating.", scheme: .nip17, expect: "Already done earlier")
            // merge_pr is on alice's confirm list: a preview with a code first, then her "yes".
            let preview = try await say("merge !1 squash", scheme: .nip17, expect: "Confirm: merge ops/tc!1")
            let code = preview.flatMap { text in
                text.range(of: #"yes [0-9A-Z]{4,8}"#, options: .regularExpression).map { String(text[$0].dropFirst(4)) }
            }
            try await say("yes \(code ?? "?")", scheme: .nip17, expect: "✓ merged (squash)")

            let strangerText = "close ops/tc#2"
            let strangerEvent = NIP04.message(
                strangerText, author: stranger.keyPair, recipient: bot.publicKey, now: Int64(Date().timeIntervalSince1970))
            StandardIO.printLine("stranger → bot [nip04]: \(strangerText)")
            _ = await strangerPool.publish(strangerEvent, deadline: .seconds(5))
            StandardIO.printLine("(the bot does not answer or act on strangers: dropped before any signature check)")
            StandardIO.printLine("")

            try await say("close #2 fixed by the rollback", scheme: .nip04, expect: "✓")
            try await say("show #2", scheme: .nip17, expect: "✓")
            try await say("list all", scheme: .nip17, expect: "ops/tc: 1 issue")
            try await say("run deploy.yml env=prod", scheme: .nip17, expect: "✓ dispatched deploy.yml on main: run #1")
            // The simulator's jobs take 2 s; then the run has finished.
            try await Task.sleep(for: .seconds(2.2))
            try await say("runs", scheme: .nip04, expect: "ops/tc: latest runs")
            try await say("frobnicate #2", scheme: .nip04, expect: "✗")
            // The other way: alice watches ops/tc, bob comments on Gitea, the webhook becomes her DM.
            try await say("watch", scheme: .nip17, expect: "✓ Watching ops/tc: issues, pulls, comments")
            allGood = try await bobComments(forge: forge, mailbox: mailbox) && allGood
            group.cancelAll()
            return allGood
        }
    }

    /// bob comments on ops/tc#2 on Gitea itself; the webhook reaches the bot and alice gets the notice.
    private func bobComments(forge: GiteaSimulatorState, mailbox: AnswerMailbox) async throws -> Bool {
        let text = "Rolled back on prod too; it looks stable now."
        _ = try await SimulatedForge(state: forge, token: "bob-token").createComment(try Repository("ops/tc"), 2, body: text)
        StandardIO.printLine("bob (on Gitea, not via the bot) comments on ops/tc#2: \(text)")
        let notice = await mailbox.next(timeout: .seconds(10))?.text
        let noticed = notice?.hasPrefix("ops/tc#2 “Deploy broke on prod” — bob commented: “Rolled back on prod") == true
        StandardIO.printLine("bot → alice (webhook notice): " + (notice ?? "(none within 10 s)") + (noticed ? "" : "   ← expected bob's comment"))
        StandardIO.printLine("")
        return noticed
    }

    /// Publishes alice's kind 10050 (her DM inbox relay) on the bot's relay, where the bot looks it up; before the bot
    /// starts, as a real operator's list exists before they first write to the bot.
    func publishOperatorInbox(logger: Logger) async throws {
        let list = RelayListEvent.inbox(relays: [inboxURL], createdAt: Int64(Date().timeIntervalSince1970)).sign(with: alice.keyPair)
        let report = await OnDemandRelays(keyPair: alice.keyPair, logger: logger).publish(list, to: [relayURL], timeout: .seconds(5))
        guard report.succeeded else { throw CLIError("demo: the relay refused alice's relay list: \(report.rejected)") }
        StandardIO.printLine("alice's DM inbox relays (her kind 10050): \(inboxURL)")
    }

    /// Prints the bot's kind 10050 as a client finds it on the relay (the bot publishes it at start; up to 5 s).
    func printBotInbox(logger: Logger) async {
        let filter = Filter(authors: [bot.publicKey.hex], kinds: [RelayListEvent.inboxKind])
        let relays = OnDemandRelays(keyPair: nil, logger: logger)
        for _ in 0..<50 {
            let found = await relays.query([filter], on: [relayURL], timeout: .seconds(1))
            if let list = RelayListEvent.newest(found, kind: RelayListEvent.inboxKind, author: bot.publicKey.hex) {
                StandardIO.printLine(
                    "the bot's DM inbox relays (its kind 10050, as alice's client finds it): "
                        + RelayListEvent.inboxRelays(in: list).joined(separator: ", "))
                StandardIO.printLine("(NIP-17 answers go to alice's inbox relay, NIP-04 ones to the bot's relay)")
                StandardIO.printLine("")
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        StandardIO.printLine("the bot's DM inbox relays: (not found on the relay within 5 s)")
    }

    /// Prints the simulator's repository and the ledger.
    func printForge(_ forge: GiteaSimulatorState, ledger: any Ledger) async throws {
        StandardIO.printLine("Gitea (simulator) ops/tc after the conversation:")
        for item in await forge.items("ops/tc").sorted(by: { $0.number < $1.number }) {
            let kind = item.pull == nil ? "issue" : "pull "
            let merged = item.pull?.merged == true ? ", merged" : ""
            StandardIO.printLine(
                "  \(kind) #\(item.number) [\(item.state)\(merged)] \(item.title) by \(item.author) — \(item.comments.count) comment(s) by "
                    + Set(item.comments.map(\.user.login)).sorted().joined(separator: ", ") + ", labels \(item.labels)")
        }
        StandardIO.printLine("  write requests: \(await forge.writes.count)")
        let entries = try await ledger.entries(state: nil, since: nil, limit: 100)
        StandardIO.printLine(
            "Ledger: \(entries.count) entries (\(entries.filter { $0.state == .done }.count) done, \(entries.filter { $0.state == .failed }.count) failed)"
        )
    }
}
