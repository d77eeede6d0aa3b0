import Foundation
import Gate
import GiteaSimulator
import Logging
import NostrCore
import NostrIngress
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The bot as a real process, real relays on loopback, rust-nostr as the operator's client, the Gitea simulator.
@Suite(.serialized) struct BotEndToEndTests {
    static func number(in reply: String) -> Int? {
        guard let range = reply.range(of: #"ops/tc[#!](\d+)"#, options: .regularExpression) else { return nil }
        return Int(reply[range].drop { $0 != "#" && $0 != "!" }.dropFirst())
    }

    /// Every file under `directory` (relative path → contents); an absent directory is empty.
    static func files(in directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let prefix = directory.resolvingSymlinksInPath().path + "/"
        for case let file as URL in FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) ?? .init() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[String(file.resolvingSymlinksInPath().path.dropFirst(prefix.count))] = try Data(contentsOf: file)
        }
        return files
    }

    static func key(in reply: String) -> String? {
        guard let range = reply.range(of: #"key [0-9a-f]{12}"#, options: .regularExpression) else { return nil }
        return String(reply[range].dropFirst(4))
    }

    @Test func everyVerbIsExecutedAndAcknowledgedInBothSchemes() async throws {
        try await BotHarness.with([.nostrRelay()]) { h in
            try h.startBot()
            try await h.waitUntilRunning()
            let created = try await h.ask(
                "issue Deploy broke\nThe deploy failed at step 3.\nlabels: bug\nassign: @alice", from: h.alice, scheme: "nip17")
            #expect(created.hasPrefix("✓"), "\(created)")
            let n = try #require(Self.number(in: created), "\(created)")
            let issue = try #require(await h.state.item("ops/tc", n))
            #expect(issue.title == "Deploy broke" && issue.body.hasPrefix("The deploy failed at step 3.") && issue.assignees == ["alice"])
            #expect(issue.labels.count == 1)

            let commented = try await h.ask("comment tc#\(n) looking into it", from: h.alice, scheme: "nip04")
            #expect(commented.hasPrefix("✓"), "\(commented)")
            #expect(await h.state.item("ops/tc", n)?.comments.contains { $0.body.hasPrefix("looking into it") } == true)

            let labelled = try await h.ask("label #\(n) +ops -bug", from: h.alice, scheme: "nip17")
            #expect(labelled.hasPrefix("✓"), "\(labelled)")
            let assigned = try await h.ask("assign ops/tc#\(n) @gatebot", from: h.alice, scheme: "nip04")
            #expect(assigned.hasPrefix("✓"), "\(assigned)")
            #expect(await h.state.item("ops/tc", n)?.assignees.contains("gatebot") == true)

            let closed = try await h.ask("close #\(n) fixed by a redeploy", from: h.alice, scheme: "nip17")
            #expect(closed.hasPrefix("✓"), "\(closed)")
            #expect(await h.state.item("ops/tc", n)?.state == "closed")
            let reopened = try await h.ask("REOPEN tc#\(n)", from: h.alice, scheme: "nip04")
            #expect(reopened.hasPrefix("✓"), "\(reopened)")
            #expect(await h.state.item("ops/tc", n)?.state == "open")

            let merged = try await h.ask("merge !1 squash", from: h.alice, scheme: "nip17")
            #expect(merged.hasPrefix("✓"), "\(merged)")
            #expect(await h.state.item("ops/tc", 1)?.pull?.merged == true)

            let shown = try await h.ask("show #\(n)", from: h.alice, scheme: "nip04")
            #expect(shown.contains("Deploy broke"), "\(shown)")
            let key = try #require(Self.key(in: created))
            let status = try await h.ask("status \(key)", from: h.alice, scheme: "nip17")
            #expect(status.contains("\(n)") && status.hasPrefix("✓"), "\(status)")
            let help = try await h.ask("help", from: h.alice, scheme: "nip04")
            #expect(help.contains("merge [repo]!N"), "\(help)")
            let whoami = try await h.ask("whoami", from: h.alice, scheme: "nip17")
            #expect(whoami.contains("alice") && whoami.contains(h.alice.publicKey.npub), "\(whoami)")
            let unknown = try await h.ask("frobnicate #3", from: h.alice, scheme: "nip04")
            #expect(unknown.hasPrefix("✗") && unknown.contains("Usage"), "\(unknown)")

            // The same text again: answered from the ledger, not written twice.
            let writes = await h.state.writes.count
            let repeated = try await h.ask("comment tc#\(n) looking into it", from: h.alice, scheme: "nip17")
            #expect(repeated.hasPrefix("Already done earlier"), "\(repeated)")
            #expect(await h.state.writes.count == writes)
            let again = try await h.ask("again comment tc#\(n) looking into it", from: h.alice, scheme: "nip04")
            #expect(again.hasPrefix("✓"), "\(again)")
            #expect(await h.state.item("ops/tc", n)?.comments.filter { $0.body.hasPrefix("looking into it") }.count == 2)
        }
    }

    @Test func strangersForgersAndUnauthorizedOperatorsGetNothingDone() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            try h.startBot()
            try await h.waitUntilRunning()
            try await h.send("issue ops/tc Stranger over NIP-04", from: h.stranger, scheme: "nip04")
            try await h.send("issue ops/tc Stranger over NIP-17", from: h.stranger, scheme: "nip17")

            // A wrap whose seal is signed by the stranger while the rumor claims to be alice's.
            let now = Int64(Date().timeIntervalSince1970)
            let rumor = EventTemplate(kind: 14, content: "issue ops/tc Forged", tags: [["p", h.bot.publicKey.hex]], createdAt: now)
                .rumor(author: h.alice.publicKey)
            // Built by hand: NIP59.wrap refuses a rumor whose author is not the sealing key.
            let sealContent = try NIP44.encrypt(
                rumor.jsonString, conversationKey: NIP44.conversationKey(secretKey: h.stranger, publicKey: h.bot.publicKey))
            let seal = EventTemplate(kind: 13, content: sealContent, tags: [], createdAt: now).sign(with: h.stranger.keyPair)
            let ephemeral = SecretKey.generate()
            let wrapContent = try NIP44.encrypt(
                seal.jsonString, conversationKey: NIP44.conversationKey(secretKey: ephemeral, publicKey: h.bot.publicKey))
            let forged = EventTemplate(kind: 1059, content: wrapContent, tags: [["p", h.bot.publicKey.hex]], createdAt: now).sign(
                with: ephemeral.keyPair)
            var logger = Logger(label: "test.publisher")
            logger.logLevel = .critical
            let pool = RelayPool(relays: try RelayList([RelayEndpoint(url: h.relays[0].url)]), keyPair: nil, logger: logger) { [:] }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await pool.run() }
                await pool.waitForConnections(timeout: .seconds(5))
                #expect(await pool.publish(forged).succeeded)
                group.cancelAll()
            }

            let refused = try await h.ask("close ops/tc#1", from: h.bob, scheme: "nip17")
            #expect(refused.contains("Refused") && refused.contains("close_issue"), "\(refused)")
            // Alice's later command is answered, so everything before it was handled.
            let shown = try await h.ask("show #1", from: h.alice, scheme: "nip04")
            #expect(shown.contains("Add deploy script"), "\(shown)")

            #expect(await h.state.writes.isEmpty)
            #expect(await h.state.items("ops/tc").count == 1)
            #expect(try await h.replies(to: h.stranger).isEmpty)
            let log = h.log()
            // The forged wrap's seal is the stranger's: refused before the seal is even verified or opened.
            #expect(log.contains("stranger") && log.contains("is not accepted (not verified, not opened)"), "\(log)")
        }
    }

    @Test func theSameDMThroughTwoRelaysExecutesOnce() async throws {
        try await BotHarness.with([.nostrRelay(), .localRelay()]) { h in
            let capture = h.directory.appendingPathComponent("frames.jsonl").path
            try h.startBot(["--capture", capture])
            try await h.waitUntilRunning()
            let seenTwice = try await h.send("issue Seen twice", from: h.alice, scheme: "nip04")
            let reply = try await h.awaitReplies(to: h.alice, count: 1)
            #expect(reply.count == 1 && reply[0].text.hasPrefix("✓"), "\(reply.map(\.text))")
            let wrappedTwice = try await h.send("issue Wrapped twice", from: h.alice, scheme: "nip17")
            _ = try await h.awaitReplies(to: h.alice, count: 2)
            try await Task.sleep(for: .seconds(1))
            // Both relays really delivered each DM to the bot: deduplication had something to do.
            let frames = try String(contentsOfFile: capture, encoding: .utf8).split(separator: "\n")
                .compactMap { try? JSONDecoder().decode(CapturedFrame.self, from: Data($0.utf8)) }
            for id in [seenTwice, wrappedTwice] {
                let relays = Set(frames.filter { $0.frame.hasPrefix(#"["EVENT""#) && $0.frame.contains(#""id":"\#(id)""#) }.map(\.relay))
                #expect(relays == Set(h.relays.map(\.url)), "\(id) came from \(relays)")
            }
            #expect(await h.state.items("ops/tc").filter { $0.title == "Seen twice" }.count == 1)
            #expect(await h.state.items("ops/tc").filter { $0.title == "Wrapped twice" }.count == 1)
            // Each relay holds the one reply (same event id), fetched once.
            #expect(try await h.replies(to: h.alice).count == 2)
            for relay in h.relays {
                #expect(try await h.replies(to: h.alice, relays: [relay.url]).count == 2, "\(relay.url)")
            }
        }
    }

    @Test func killedMidStreamAndRestartedExecutesAndAnswersEveryDMOnce() async throws {
        try await BotHarness.with([.nostrRelay()]) { h in
            try h.startBot()
            try await h.waitUntilRunning()
            let titles = (1...6).map { "Crash test \($0)" }
            for (index, title) in titles.prefix(3).enumerated() {
                try await h.send("issue \(title)", from: h.alice, scheme: index % 2 == 0 ? "nip04" : "nip17")
            }
            _ = try await h.awaitReplies(to: h.alice, count: 1)
            h.killBot()
            for (index, title) in titles.suffix(3).enumerated() {
                try await h.send("issue \(title)", from: h.alice, scheme: index % 2 == 0 ? "nip17" : "nip04")
            }
            try h.startBot()
            try await h.waitUntilRunning()
            let replies = try await h.awaitReplies(to: h.alice, count: 6, timeout: 30)
            try await Task.sleep(for: .seconds(2))
            let settled = try await h.replies(to: h.alice)
            #expect(settled.count == 6, "\(settled.map(\.text))")
            #expect(replies.allSatisfy { $0.text.hasPrefix("✓") || $0.text.hasPrefix("Already done earlier") }, "\(replies.map(\.text))")
            for title in titles {
                #expect(await h.state.items("ops/tc").filter { $0.title == title }.count == 1, "\(title)")
            }
        }
    }

    @Test func doctorChecksEveryPartAndNamesWhatFails() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            let (status, out, errors) = try await OperatorGateProcess.run(["doctor", "--config", h.configPath], environment: ["GITEA_TOKEN": ""])
            // bob's repositories (other/*) have no owner on this forge: the one failing check.
            #expect(status == 1, "\(out)\(errors)")
            #expect(out.contains("✓ bot key: \(h.bot.publicKey.npub)"), "\(out)")
            #expect(out.contains("✓ relay \(h.relays[0].url): connected"), "\(out)")
            #expect(out.contains("token belongs to gatebot"), "\(out)")
            #expect(out.contains("✓ repositories ops/*"), "\(out)")
            #expect(out.contains("✗ repositories other/*"), "\(out)")
            // Before any `run`, the relay lacks the bot's profile and lists: the second failing check.
            let relay = h.relays[0].url
            #expect(out.contains("  DM inbox relays (kind 10050): \(relay)"), "\(out)")
            #expect(
                out.contains("✗ relay \(relay) lacks the current profile (kind 0), DM inbox relays (kind 10050), relay list (kind 10002)"), "\(out)")
            #expect(out.contains("2 check(s) failed."), "\(out)")
            #expect(!out.contains("bot-token") && !out.contains(h.bot.nsec))

            try h.startBot()
            try await h.waitUntilRunning()
            try await ReachabilityEndToEndTests.awaitLog(h, "published the bot's relay list", count: 1)
            let (_, after, _) = try await OperatorGateProcess.run(["doctor", "--config", h.configPath], environment: ["GITEA_TOKEN": ""])
            #expect(after.contains("✓ relay \(relay) serves the bot's profile and relay lists"), "\(after)")
            #expect(after.contains("1 check(s) failed."), "\(after)")
            h.killBot()

            h.relays[0].kill()
            let (_, down, _) = try await OperatorGateProcess.run(["doctor", "--config", h.configPath, "--timeout", "1"])
            #expect(down.contains("✗ relay \(h.relays[0].url)"), "\(down)")
        }
    }

    @Test func replayDryRunJudgesCapturedFramesAndWritesNothing() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            let capture = h.directory.appendingPathComponent("frames.jsonl").path
            try h.startBot(["--capture", capture])
            try await h.waitUntilRunning()
            try await h.send("issue ops/tc Not yours", from: h.stranger, scheme: "nip04")
            let refused = try await h.ask("close ops/tc#1", from: h.bob, scheme: "nip04")
            #expect(refused.contains("Refused"))
            let created = try await h.ask("issue Captured", from: h.alice, scheme: "nip17")
            #expect(created.hasPrefix("✓"))
            let process = try #require(h.process)
            kill(process.processIdentifier, SIGTERM)
            #expect(await OperatorGateProcess.exitStatus(process, timeout: 15) == 0)
            let writes = await h.state.writes.count

            let data = h.directory.appendingPathComponent("data")
            func judge() async throws -> [[String: Any]] {
                let before = try Self.files(in: data)
                let (status, out, errors) = try await OperatorGateProcess.run(["replay", capture, "--config", h.configPath, "--dry-run"])
                #expect(status == 0, "\(errors)")
                #expect(errors.contains("nothing written"), "\(errors)")
                // Not a byte of the data directory changed (ledger, inbox, their WAL files).
                #expect(try Self.files(in: data) == before, "the dry run changed \(data.path)")
                return out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            }
            #expect(try Self.files(in: data).keys.contains("ledger.sqlite"))
            let judged = try await judge()
            // The stranger's DM never reaches the command stage.
            #expect(judged.count == 2, "\(judged)")
            let bobLine = try #require(judged.first { $0["from"] as? String == h.bob.publicKey.hex })
            #expect(bobLine["decision"] as? String == "refuse" && bobLine["action"] as? String == "refused")
            let aliceLine = try #require(judged.first { $0["from"] as? String == h.alice.publicKey.hex })
            #expect(aliceLine["action"] as? String == "create_issue" && aliceLine["repo"] as? String == "ops/tc")
            #expect((aliceLine["payload"] as? [String: Any])?["title"] as? String == "Captured")
            #expect(aliceLine["decision"] as? String == "replay", "\(aliceLine)")

            // Against an empty ledger the same capture would execute.
            try FileManager.default.moveItem(at: h.directory.appendingPathComponent("data"), to: h.directory.appendingPathComponent("data-old"))
            let fresh = try await judge()
            #expect(fresh.first { $0["from"] as? String == h.alice.publicKey.hex }?["decision"] as? String == "execute")
            #expect(await h.state.writes.count == writes)
            #expect(!FileManager.default.fileExists(atPath: h.directory.appendingPathComponent("data/ledger.sqlite").path))
        }
    }

    @Test func sigtermStopsCleanlyAndMetricsAndHealthAreServed() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            let port = try FreePort.find()
            try h.startBot(["--metrics", "127.0.0.1:\(port)", "--log-format", "json"])
            try await h.waitUntilRunning()
            let reply = try await h.ask("show #1", from: h.alice, scheme: "nip04")
            #expect(reply.contains("Add deploy script"), "\(reply)")
            let (health, healthStatus) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
            #expect((healthStatus as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: health, as: UTF8.self))")
            // Stamped per response (RFC 9110 IMF-fixdate), without a once-a-second date timer.
            let date = (healthStatus as? HTTPURLResponse)?.value(forHTTPHeaderField: "Date") ?? ""
            #expect(date.hasSuffix(" GMT") && date.count == 29, "Date: \(date)")
            let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            let text = String(decoding: metrics, as: UTF8.self)
            #expect(text.contains("operator_gate_commands_total") && text.contains(#"action="show""#), "\(text.prefix(2000))")
            #expect(text.contains("operator_gate_relay_state"), "\(text.prefix(2000))")
            // Answered: nothing left between the relays' readers and the inbox.
            let lines = text.split(separator: "\n")
            #expect(
                lines.contains { $0 == "operator_gate_inbox_buffered_events 0.0" || $0 == "operator_gate_inbox_buffered_events 0" },
                "\(text.prefix(4000))")
            #expect(lines.contains { $0.hasPrefix("operator_gate_inbox_buffered_events_peak ") }, "\(text.prefix(4000))")
            // The one command's way through the bot, stage by stage (what bench e2e breaks its latency into).
            for stage in ["intake", "prepare", "admit", "queue", "gate", "reply_build", "reply_store"] {
                #expect(text.contains(#"operator_gate_stage_seconds_count{stage="\#(stage)"} 1"#), "\(stage): \(text.prefix(4000))")
            }
            // Sub-millisecond buckets, where a command's own stages fall.
            #expect(text.contains(#"operator_gate_stage_seconds_bucket{stage="prepare",le="0.00025"}"#), "\(text.prefix(4000))")
            // JSON logs, and no secret anywhere in them (start-up, where the keys are loaded, included).
            let log = h.log()
            #expect(log.contains(#""message":"operator-gate running""#), "\(log)")
            #expect(!log.contains(h.bot.nsec) && !log.contains(h.bot.hex) && !log.contains("bot-token"))

            let process = try #require(h.process)
            let started = Date()
            kill(process.processIdentifier, SIGTERM)
            let status = await OperatorGateProcess.exitStatus(process, timeout: 15)
            #expect(status == 0, "\(h.logTail())")
            #expect(Date().timeIntervalSince(started) < 10)
        }
    }
}

/// `operator-gate demo`, the README's main job, as a user runs it.
@Suite struct DemoTests {
    @Test func theDemoRunsTheWholeConversationAndExitsZero() async throws {
        let (status, out, errors) = try await OperatorGateProcess.run(["demo"], timeout: 60)
        #expect(status == 0, "\(out)\n\(errors)")
        #expect(out.contains("bot → alice: ✓ created ops/tc#2"), "\(out)")
        #expect(out.contains("bot → alice: Already done earlier"), "\(out)")
        #expect(out.contains("issue #2 [closed] Deploy broke on prod"), "\(out)")
        #expect(out.contains("pull  #1 [closed, merged]"), "\(out)")
        // Issue #14: the operator's inbox relay and the bot's own 10050, as a client finds it, are in the transcript.
        let inbox = try #require(out.split(separator: "\n").first { $0.hasPrefix("alice's DM inbox relays (her kind 10050): ws://127.0.0.1:") })
        let relay = try #require(out.split(separator: "\n").first { $0.hasPrefix("operator-gate demo: relay ") })
        #expect(!relay.contains(inbox.split(separator: " ").last!), "the inbox relay is not the bot's relay")
        #expect(out.contains("the bot's DM inbox relays (its kind 10050, as alice's client finds it): ws://127.0.0.1:"), "\(out)")
    }
}
