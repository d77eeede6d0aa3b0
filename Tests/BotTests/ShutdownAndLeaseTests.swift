import Bot
import Foundation
import GiteaSimulator
import NostrCore
import TestSupport
import Testing

/// Graceful shutdown with a command in flight, and the leases that keep one command with one instance.
@Suite(.serialized) struct ShutdownTests {
    /// SIGTERM while Gitea is slow to answer a command: the command finishes, its answer is published, and the
    /// process exits 0 well inside the shutdown timeout.
    @Test func sigtermDuringASlowCommandFinishesItAndPublishesTheAnswer() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            try h.startBot(["--shutdown-timeout", "10"])
            try await h.waitUntilRunning()
            await h.state.inject(.delay(seconds: 3))
            try await h.send("issue Slow at shutdown", from: h.alice, scheme: "nip04")
            let deadline = Date().addingTimeInterval(20)
            while await h.state.firedFaults.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await h.state.firedFaults == [.delay(seconds: 3)], "the slow request was not reached")

            let process = try #require(h.process)
            let stopped = Date()
            kill(process.processIdentifier, SIGTERM)
            #expect(await OperatorGateProcess.exitStatus(process, timeout: 15) == 0, "\(h.logTail())")
            #expect(Date().timeIntervalSince(stopped) < 10)
            #expect(await h.state.items("ops/tc").filter { $0.title == "Slow at shutdown" }.count == 1)
            // Published before the exit: the relay has it though the bot is gone.
            let replies = try await h.replies(to: h.alice)
            #expect(replies.count == 1 && replies[0].text.hasPrefix("✓"), "\(replies.map(\.text))")
            #expect(h.log().contains("intake stopped; publishing queued replies"))
        }
    }

    /// A command still waiting on Gitea when `--shutdown-timeout` runs out is cancelled: the process exits in
    /// time. Unless the probe after the cancelled write settles it first, the ledger entry stays `claimed` (its
    /// outcome is unknown) and the message unanswered; the next start reconciles it by its key without a second
    /// write. Either way the operator gets the real outcome, once.
    @Test func aCommandLongerThanTheShutdownTimeoutStaysClaimedAndTheNextStartReconcilesIt() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            try h.startBot(["--shutdown-timeout", "2"])
            try await h.waitUntilRunning()
            await h.state.inject(.stallAfterCommit(seconds: 20))
            try await h.send("issue Longer than shutdown", from: h.alice, scheme: "nip17")
            let deadline = Date().addingTimeInterval(20)
            while await h.state.heldAfterCommit == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await h.state.heldAfterCommit == 1, "the write was not reached")

            let process = try #require(h.process)
            let stopped = Date()
            kill(process.processIdentifier, SIGTERM)
            _ = await OperatorGateProcess.exitStatus(process, timeout: 15)
            #expect(!process.isRunning)
            #expect(Date().timeIntervalSince(stopped) < 2 + 2 + 2, "shutdown timeout 2 s, cancellation 2 s")
            // Two endings, both correct, decided by whether the probe after the cancelled write still reached Gitea:
            // cut off (the entry stays claimed, the message unanswered, and the next start reconciles it), or settled
            // by the probe before the exit (the entry done as "found already done", and answered).
            let cutOff = h.log().contains("shutdown cut a command off; it is answered after the restart")
            if cutOff {
                #expect(try await h.ledgerEntries(state: "claimed").count == 1, "\(h.logTail())")
            } else {
                #expect(h.log().contains("gitea outcome unknown; probing"), "\(h.logTail())")
                #expect(try await h.ledgerEntries(state: "claimed").isEmpty, "a known outcome is recorded despite the shutdown: \(h.logTail())")
            }

            try h.startBot()
            try await h.waitUntilRunning()
            if cutOff { #expect(h.log().contains("reconciled commands left claimed by a crash"), "\(h.logTail())") }
            #expect(try await h.ledgerEntries(state: "claimed").isEmpty)
            let done = try await h.ledgerEntries(state: "done")
            // Reconciled at the start ("found already done on Gitea: …"), or settled before the exit by the probe
            // after the cancelled write (the probe's own "created").
            let message = (done.first?["result"] as? [String: Any])?["message"] as? String
            #expect(done.count == 1 && message?.contains(cutOff ? "found already done" : "created") == true, "\(done)")
            #expect(await h.state.writes.count == 1)
            #expect(await h.state.items("ops/tc").filter { $0.title == "Longer than shutdown" }.count == 1)
            // The operator is told the outcome: the message was not answered before the exit, so it comes back.
            let replies = try await h.awaitReplies(to: h.alice, count: 1)
            try await Task.sleep(for: .seconds(2))
            let settled = try await h.replies(to: h.alice)
            #expect(settled.count == 1 && settled.map(\.id) == replies.map(\.id), "\(settled.map(\.text))")
            let number = try #require(await h.state.items("ops/tc").first { $0.title == "Longer than shutdown" }?.number)
            #expect(settled.first?.text.contains("ops/tc#\(number)") == true, "\(settled.map(\.text))")
        }
    }
}

/// Leases on the shared ledger and inbox (PostgreSQL): renewed while a command runs, taken over when they lapse.
@Suite(.serialized, .enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES (scripts/test starts a private cluster)"))
struct LeaseTests {
    /// Two instances with a 3 s lease (the shortest allowed); Gitea takes 10 s (three leases and more) to answer the command. The instance
    /// running it keeps renewing its claims, so the other never takes it over: one write, one answer.
    @Test func aCommandThreeLeasesLongKeepsItsClaim() async throws {
        try await BotHarness.with([.localRelay()], limits: MultiInstanceTests.unlimited) { h in
            let ledger = try await PostgresScratch.createDatabase()
            let password = PostgresScratch.password ?? ""
            for number in 0..<2 { try h.startInstance(number, ledger: ledger, password: password, lease: 3) }
            for number in 0..<2 { try await h.waitUntilInstanceRunning(number) }
            await h.state.inject(.delay(seconds: 10))
            try await h.send("issue Three leases long", from: h.alice, scheme: "nip17")
            let replies = try await h.awaitReplies(to: h.alice, count: 1, timeout: 40)
            #expect(await h.state.firedFaults == [.delay(seconds: 10)], "the slow request was not reached")
            try await Task.sleep(for: .seconds(4))
            let settled = try await h.replies(to: h.alice)
            #expect(settled.count == 1 && settled.map(\.id) == replies.map(\.id) && settled[0].text.hasPrefix("✓"), "\(settled.map(\.text))")
            #expect(await h.state.writes.count == 1)
            for number in 0..<2 {
                let log = (try? String(contentsOfFile: h.instanceLog(number), encoding: .utf8)) ?? ""
                #expect(!log.contains("answering a message another instance stopped answering"), "instance \(number) took the message over")
                #expect(!log.contains("lease lost"), "instance \(number) lost a lease")
                #expect(!log.contains("another instance took this"), "instance \(number): \(log.suffix(2000))")
            }
            #expect(try await MultiInstanceTests.claimedInstances(ledger).isEmpty)
        }
    }

    /// The instance that answered a message stops right after storing its reply (SIGSTOP, before publishing).
    /// The other instance publishes that stored reply once it is two leases old: one answer, the stored one.
    @Test func aReplyStoredByAStoppedInstanceIsPublishedByAnotherAfterTwoLeases() async throws {
        try await BotHarness.with([.localRelay()], limits: MultiInstanceTests.unlimited) { h in
            let ledger = try await PostgresScratch.createDatabase()
            let password = PostgresScratch.password ?? ""
            let stop = [StopPoint.environmentVariable: StopPoint.replyStored.rawValue]
            for number in 0..<2 { try h.startInstance(number, ledger: ledger, password: password, lease: 3, environment: stop) }
            for number in 0..<2 { try await h.waitUntilInstanceRunning(number) }
            try await h.send("issue Stored then stopped", from: h.alice, scheme: "nip04")

            // Whichever instance answered stops after storing the reply.
            let stopped = try await Self.firstStopped(h, among: [0, 1])
            let stoppedAt = Date()
            #expect(await h.state.writes.count == 1)
            let replies = try await h.awaitReplies(to: h.alice, count: 1, timeout: 30)
            let waited = Date().timeIntervalSince(stoppedAt)
            #expect(h.instances[stopped]?.isRunning == true, "the answering instance is still stopped, so the other one published")
            #expect(waited >= 5, "published after \(waited) s, before the reply was two leases (6 s) old")
            #expect(replies.count == 1 && replies[0].text.hasPrefix("✓"), "\(replies.map(\.text))")
            h.signalInstance(stopped, SIGKILL)
            try await Task.sleep(for: .seconds(2))
            #expect(try await h.replies(to: h.alice).map(\.id) == replies.map(\.id))
            #expect(await h.state.writes.count == 1)
        }
    }

    /// The number of the first instance among `numbers` to stop itself at a ``StopPoint``.
    static func firstStopped(_ h: BotHarness, among numbers: [Int], timeout: TimeInterval = 30) async throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for number in numbers {
                if (try? await BotHarness.waitUntilStopped(h.instances[number], timeout: 0)) != nil { return number }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RustNostrPeer.PeerError("no instance reached its stop point in \(timeout) s")
    }
}
