import Foundation
import Gate
import GiteaSimulator
import NostrCore
import PostgresNIO
import TestSupport
import Testing

/// Several `operator-gate run` processes on one PostgreSQL ledger, two real relays, rust-nostr operators and the
/// Gitea simulator: every command executed once and answered once, whatever happens to the instances.
@Suite(.serialized, .enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES (scripts/test starts a private cluster)"))
struct MultiInstanceTests {
    static let unlimited = #", "limits": {"commands_per_minute": 100000}"#

    /// The numbers `n` of replies saying "<prefix> n", counted.
    static func tally(_ replies: [RustNostrPeer.Answer.Message], prefix: String) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for reply in replies {
            guard let range = reply.text.range(of: prefix + #" (\d+)"#, options: .regularExpression),
                let number = Int(reply.text[range].split(separator: " ").last ?? "")
            else { continue }
            counts[number, default: 0] += 1
        }
        return counts
    }

    /// Ledger rows still `claimed`, with the instance holding each.
    static func claimedInstances(_ ledger: String) async throws -> [String] {
        try await PostgresScratch.withClient(url: ledger) { client in
            var holders: [String] = []
            for try await holder in try await client.query("SELECT instance_id FROM ledger WHERE state = 'claimed'", logger: PostgresScratch.quiet)
                .decode(String.self)
            {
                holders.append(holder)
            }
            return holders
        }
    }

    /// Every row of the shared database's tables, as "table json", in a stable order.
    static func rows(_ url: String) async throws -> [String] {
        try await PostgresScratch.withClient(url: url) { client in
            var rows: [String] = []
            for table in ["operator_gate_schema", "ledger", "inbox_message", "inbox_cursor"] {
                let query = PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table) t ORDER BY 1")
                for try await row in try await client.query(query, logger: PostgresScratch.quiet).decode(String.self) {
                    rows.append("\(table) \(row)")
                }
            }
            return rows
        }
    }

    /// Three instances, 200 `issue` commands from two operators in both schemes over two relays; instance 0 is
    /// SIGKILLed a third of the way in and instance 1 restarted two thirds in. Every issue exists once, every
    /// command gets exactly one reply, and no ledger entry is left claimed.
    @Test func threeInstancesExecuteAndAnswerEveryCommandOnceThroughAKillAndARestart() async throws {
        try await BotHarness.with([.nostrRelay(), .localRelay()], limits: Self.unlimited) { h in
            let ledger = try await PostgresScratch.createDatabase()
            let password = PostgresScratch.password ?? ""
            for number in 0..<3 { try h.startInstance(number, ledger: ledger, password: password, lease: 4) }
            for number in 0..<3 { try await h.waitUntilInstanceRunning(number) }
            let run = "Fleet-" + UUID().uuidString.prefix(6)
            let commands = (0..<200).map { index in
                (sender: index % 2 == 0 ? h.alice : h.carol, scheme: index % 4 < 2 ? "nip04" : "nip17", text: "issue \(run) \(index)")
            }
            // Gitea slows down (0.25 s a request) so that instance 0 is killed while it holds a claim.
            for _ in 0..<60 { await h.state.inject(.delay(seconds: 0.25)) }
            try await h.sendMany(Array(commands[0..<70]))
            // Frozen first (SIGSTOP), then checked, then killed: a claim seen a moment before the kill may have been
            // completed in that moment, and a frozen process completes nothing.
            let killDeadline = Date().addingTimeInterval(20)
            var killedHoldingAClaim = false
            while !killedHoldingAClaim && Date() < killDeadline {
                if try await Self.claimedInstances(ledger).contains("gate-0") {
                    h.signalInstance(0, SIGSTOP)
                    killedHoldingAClaim = try await Self.claimedInstances(ledger).contains("gate-0")
                    if !killedHoldingAClaim { h.signalInstance(0, SIGCONT) }
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            h.signalInstance(0, SIGKILL)
            try await h.sendMany(Array(commands[70..<140]))
            h.signalInstance(1, SIGTERM)
            let stopped = try #require(h.instances[1])
            #expect(await OperatorGateProcess.exitStatus(stopped, timeout: 15) == 0, "instance 1 did not stop cleanly")
            try h.startInstance(1, ledger: ledger, password: password, lease: 4)
            try await h.sendMany(Array(commands[140..<200]))
            try await h.waitUntilInstanceRunning(1)

            // Every command executed once.
            let deadline = Date().addingTimeInterval(120)
            var created: [Int: Int] = [:]
            repeat {
                created = [:]
                for item in await h.state.items("ops/tc") where item.title.hasPrefix(run + " ") {
                    if let number = Int(item.title.dropFirst(run.count + 1)) { created[number, default: 0] += 1 }
                }
                if created.count == 200 { break }
                try await Task.sleep(for: .milliseconds(500))
            } while Date() < deadline
            #expect(created.count == 200 && created.values.allSatisfy { $0 == 1 }, "created \(created.count): \(created.filter { $0.value != 1 })")

            // Every command answered once (after a pause long enough for a late duplicate to show up).
            _ = try await h.awaitReplies(to: h.alice, count: 100, timeout: 90)
            _ = try await h.awaitReplies(to: h.carol, count: 100, timeout: 90)
            try await Task.sleep(for: .seconds(10))
            let answers = Self.tally(try await h.replies(to: h.alice) + h.replies(to: h.carol), prefix: run)
            #expect(answers.count == 200, "answered \(answers.count) of 200: missing \(Set(0..<200).subtracting(answers.keys).sorted())")
            #expect(answers.values.allSatisfy { $0 == 1 }, "answered more than once: \(answers.filter { $0.value > 1 })")

            // The killed instance's claim was taken over by another instance, which answered it.
            #expect(killedHoldingAClaim)
            let takeOvers = (1..<3).map { BotHarness.count("answering a message another instance stopped answering", in: h.instanceLog($0)) }
            #expect(takeOvers.reduce(0, +) >= 1, "no take-over logged")

            // Nothing left to reconcile; the ledger holds the 200 commands, done.
            #expect(try await Self.claimedInstances(ledger).isEmpty)
            let done = try await h.ledgerEntries(state: "done", config: h.instanceConfig(2))
            #expect(done.count == 200, "\(done.count) entries done")
            #expect(try await h.ledgerEntries(state: "claimed", config: h.instanceConfig(2)).isEmpty)

            // doctor on a shared ledger: connection, schema version, writable.
            let config = h.instanceConfig(2)
            let (status, out, errors) = try await OperatorGateProcess.run(
                ["doctor", "--config", config],
                environment: ["GITEA_TOKEN": "", "OPERATOR_GATE_LEDGER_PASSWORD": password])
            let printed = "exit status \(status)\n\(out)\nstandard error:\n\(errors.suffix(4000))"
            #expect(out.contains("✓ ledger \(ledger): connected as instance gate-2, schema version 1"), "\(printed)")
            #expect(out.contains("✓ ledger \(ledger): 200 entries, writable"), "\(printed)")
        }
    }

    /// An instance is SIGSTOPped after its Gitea write committed (the simulator holds the response) and before it
    /// recorded the outcome. Its lease runs out; the other instance takes the message over, finds the write by its
    /// key, records it and answers. Woken up, the stalled instance writes nothing and sends nothing.
    @Test func aStalledInstanceLosesItsClaimAndAnotherAnswersWithoutASecondWrite() async throws {
        try await BotHarness.with([.nostrRelay(), .localRelay()], limits: Self.unlimited) { h in
            let ledger = try await PostgresScratch.createDatabase()
            let password = PostgresScratch.password ?? ""
            let capture = h.directory.appendingPathComponent("instance-1-frames.jsonl").path
            try h.startInstance(0, ledger: ledger, password: password, lease: 3)
            try h.startInstance(1, ledger: ledger, password: password, lease: 3, extra: ["--capture", capture])
            for number in 0..<2 { try await h.waitUntilInstanceRunning(number) }
            let writesBefore = await h.state.writes.count
            await h.state.inject(.stallAfterCommit(seconds: 9))
            let title = "Stalled-" + UUID().uuidString.prefix(6)
            try await h.send("issue \(title)", from: h.alice, scheme: "nip17")

            // Find the instance holding the claim once its write is in, and freeze it.
            var holder: String?
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                if await h.state.writes.count > writesBefore, let found = try await Self.claimedInstances(ledger).first {
                    holder = found
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let stalled = try #require(holder.flatMap { Int($0.dropFirst("gate-".count)) }, "no claim with a committed write appeared")
            h.signalInstance(stalled, SIGSTOP)

            // The other instance answers, from the probe.
            let replies = try await h.awaitReplies(to: h.alice, count: 1, timeout: 30)
            #expect(replies.count == 1 && replies[0].text.contains(title), "\(replies.map(\.text))")
            #expect(try await Self.claimedInstances(ledger).isEmpty)

            // Wake the stalled one: its Gitea answer arrives, it finds it lost the claim, and stays silent.
            h.signalInstance(stalled, SIGCONT)
            let lostLine = "another instance took this message over"
            let quietDeadline = Date().addingTimeInterval(25)
            while BotHarness.count(lostLine, in: h.instanceLog(stalled)) == 0 && Date() < quietDeadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(BotHarness.count(lostLine, in: h.instanceLog(stalled)) == 1, "\(h.instanceLogTail(stalled))")
            try await Task.sleep(for: .seconds(3))
            #expect(await h.state.writes.count == writesBefore + 1)
            #expect(await h.state.items("ops/tc").filter { $0.title == title }.count == 1)
            let settled = try await h.replies(to: h.alice)
            #expect(settled.filter { $0.text.contains(title) }.count == 1, "\(settled.map(\.text))")
            #expect(try await Self.claimedInstances(ledger).isEmpty)

            // replay --dry-run against the shared ledger: the captured command is judged a replay; nothing is written,
            // not a row of the database changes. (The instances stop first, so only the replay could change a row.)
            for number in 0..<2 { h.signalInstance(number, SIGTERM) }
            for number in 0..<2 { _ = await OperatorGateProcess.exitStatus(try #require(h.instances[number]), timeout: 15) }
            let rowsBefore = try await Self.rows(ledger)
            #expect(rowsBefore.contains { $0.hasPrefix("ledger ") } && rowsBefore.contains { $0.hasPrefix("inbox_message ") })
            let config = h.instanceConfig(1)
            let (status, out, errors) = try await OperatorGateProcess.run(
                ["replay", capture, "--config", config, "--dry-run"],
                environment: ["OPERATOR_GATE_LEDGER_PASSWORD": password])
            #expect(status == 0 && errors.contains("nothing written"), "\(errors)")
            let judged = out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(judged.count == 1 && judged.first?["decision"] as? String == "replay", "\(out)")
            #expect(await h.state.writes.count == writesBefore + 1)
            #expect(try await Self.rows(ledger) == rowsBefore, "the dry run changed the shared database")
        }
    }
}
