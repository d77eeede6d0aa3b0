import Foundation
import GiteaSimulator
import Testing

@testable import Gate

/// The Gate against the Gitea simulator: every action, exactly-once under repeats, concurrency and faults. Most
/// tests run twice: in process on ``SimulatedForge`` (the Gate alone) and over HTTP through ``GiteaClient``.
@Suite(.serialized) struct GateExecutorTests {
    typealias H = SimulatorHarness

    /// `add_comment` makes one request, the POST (issue #13: it used to GET the issue for its title alone); the answer
    /// names the issue when this Gate saw it lately (created here), and goes without a title when it did not.
    @Test func addCommentMakesOneRequestAndNamesTheIssueOnlyWhenSeen() async throws {
        try await H.with(.http) { h in
            let gate = try h.executor()
            let created = await gate.handle(H.command(.createIssue(title: "Seen here", body: "", labels: [], assignees: [])))
            var before = await h.state.requestCount
            let known = await gate.handle(H.command(.addComment(issue: created.number!, body: "first")))
            #expect(known.success && known.title == "Seen here" && known.state == .open, "\(known.sentence)")
            #expect(await h.state.requestCount - before == 1)
            let fresh = try h.executor()
            before = await h.state.requestCount
            let unknown = await fresh.handle(H.command(.addComment(issue: 1, body: "on the pull request")))
            #expect(unknown.success && unknown.title == nil && unknown.sentence.hasPrefix("✓ commented on ops/tc#1 http"), "\(unknown.sentence)")
            #expect(await h.state.requestCount - before == 1)
        }
    }

    /// A command whose task is cancelled (a shutdown's timeout) after Gitea applied its write still records the
    /// outcome: the SQLite ledger's completion commits in the cancelled task itself (its writes ignore cancellation,
    /// so no task of its own is started for it), and the entry is not left `claimed` for a probe at the next start.
    @Test func aCommandCancelledDuringItsWriteStillRecordsItsOutcome() async throws {
        try await H.with(.inProcess) { h in
            let path = H.ledgerPath()
            let gate = try h.executor(ledgerPath: path)
            #expect(gate.ledger.recordsDespiteCancellation)
            // The write waits 10 s before it is applied; cancelled, the wait ends at once and the write goes through.
            await h.state.inject(.delay(seconds: 10))
            let task = Task { await gate.handle(H.command(.addComment(issue: 1, body: "cancelled on the way"))) }
            let deadline = Date().addingTimeInterval(10)
            while await h.state.firedFaults.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            task.cancel()
            let ack = await task.value
            #expect(ack.success, "\(ack.sentence)")
            #expect(await h.state.writes.count == 1)
            let entries = try await gate.ledger.entries(keyPrefix: "", limit: 10)
            #expect(entries.map(\.state) == [.done], "the applied write is recorded, not left claimed")
        }
    }

    @Test(arguments: H.Transport.allCases) func everyActionWorksAndLeavesTheKeyInGitea(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let created = await gate.handle(
                H.command(.createIssue(title: "Deploy failed", body: "see logs", labels: ["bug", "urgent"], assignees: ["@bob"])))
            #expect(created.success, "\(created.message)")
            #expect(created.number == 1 + 1)  // !1 is the pull request; issues and PRs share numbers
            #expect(created.warnings.isEmpty, "\(created.warnings)")
            let issue = await h.state.item(H.repo, created.number!)!
            #expect(issue.assignees == ["bob"] && issue.labels.count == 2)
            #expect(GateFooter.contains(issue.body, key: IdempotencyKey(hex: created.key)))
            #expect(created.sentence.contains("ops/tc#2") && created.sentence.contains(created.url!))

            let number = created.number!
            #expect(await gate.handle(H.command(.addComment(issue: number, body: "on it"))).success)
            let closed = await gate.handle(H.command(.closeIssue(issue: number, comment: "fixed upstream")))
            #expect(closed.success && closed.state == .closed)
            let reopened = await gate.handle(H.command(.reopenIssue(issue: number)))
            #expect(reopened.success && reopened.state == .open)
            let assigned = await gate.handle(H.command(.assignIssue(issue: number, set: nil, add: ["alice"], remove: ["bob"])))
            #expect(assigned.success, "\(assigned.message)")
            #expect(await h.state.item(H.repo, number)!.assignees == ["alice"])
            let labelled = await gate.handle(H.command(.labelIssue(issue: number, add: ["ops"], remove: ["bug"])))
            #expect(labelled.success, "\(labelled.message)")
            let shown = await gate.handle(H.command(.show(number: number)))
            #expect(shown.success && shown.message.contains("ops") && shown.message.contains("urgent") && !shown.message.contains("bug"))
            let merged = await gate.handle(H.command(.mergePR(pr: 1, style: .squash, headSHA: "0123456", deleteBranch: true)))
            #expect(merged.success && merged.state == .merged, "\(merged.message)")
            #expect(await h.state.item(H.repo, 1)!.pull!.merged)
            let status = await gate.handle(H.command(.status(keyPrefix: String(closed.key.prefix(8)))))
            #expect(status.success && status.state == .done && status.number == number)

            // Every write left the key: bodies or proof comments.
            let comments = await h.state.item(H.repo, number)!.comments
            for ack in [closed, reopened, assigned, labelled] {
                #expect(comments.contains { GateFooter.contains($0.body, key: IdempotencyKey(hex: ack.key)) }, "\(ack.action)")
            }
        }
    }

    @Test(arguments: H.Transport.allCases) func repeatedCommandsWriteOnce(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let first = H.command(.createIssue(title: "Rotate keys", body: "", labels: [], assignees: []), origin: "event-1")
            let ack = await gate.handle(first)
            #expect(ack.success && !ack.priorExecution)
            let sameEvent = await gate.handle(first)
            #expect(sameEvent.priorExecution && sameEvent.number == ack.number)
            let sameText = await gate.handle(H.command(.createIssue(title: "Rotate keys", body: "", labels: [], assignees: []), origin: "event-2"))
            #expect(sameText.priorExecution && sameText.number == ack.number)
            #expect(await h.state.writes.count == 1)
            let again = await gate.handle(
                H.command(.createIssue(title: "Rotate keys", body: "", labels: [], assignees: []), origin: "event-3", again: true))
            #expect(again.success && !again.priorExecution && again.number != ack.number)
            #expect(await h.state.writes.count == 2)
        }
    }

    @Test(arguments: H.Transport.allCases) func fiftyIdenticalCommandsInParallelWriteOnce(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let acks = await withTaskGroup(of: Ack.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        await gate.handle(H.command(.createIssue(title: "Pager fired", body: "x", labels: [], assignees: []), origin: "e\(index)"))
                    }
                }
                var all: [Ack] = []
                for await ack in group { all.append(ack) }
                return all
            }
            #expect(await h.state.items(H.repo).filter { $0.title == "Pager fired" }.count == 1)
            #expect(acks.filter { $0.success && !$0.priorExecution }.count == 1)
        }
    }

    @Test(arguments: H.Transport.allCases) func unknownOrAmbiguousLabelsAreRefusedBeforeAnyWrite(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let unknown = await gate.handle(H.command(.createIssue(title: "T", body: "", labels: ["bug", "nope"], assignees: [])))
            #expect(!unknown.success && unknown.message.contains("no label \"nope\"") && unknown.message.contains("bug"))
            let ambiguous = await gate.handle(H.command(.createIssue(title: "T", body: "", labels: ["twin"], assignees: [])))
            #expect(!ambiguous.success && ambiguous.message.contains("ambiguous"))
            #expect(await h.state.writes.isEmpty)
        }
    }

    @Test(arguments: H.Transport.allCases) func mergingAnAlreadyMergedPullRequestIsPriorExecution(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            await h.state.setPullState(H.repo, 1, merged: true, state: "closed")
            let ack = try await h.executor().handle(H.command(.mergePR(pr: 1, style: .merge, headSHA: nil, deleteBranch: false)))
            #expect(ack.success && ack.priorExecution && ack.state == .merged)
            #expect(await h.state.writes.isEmpty)
            let moved = try await h.executor().handle(H.command(.mergePR(pr: 1, style: .merge, headSHA: "ffff000", deleteBranch: false)))
            #expect(moved.priorExecution)
        }
    }

    @Test(arguments: H.Transport.allCases) func mergeRefusesAMovedHead(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let ack = try await h.executor().handle(H.command(.mergePR(pr: 1, style: .rebase, headSHA: "deadbeef", deleteBranch: false)))
            #expect(!ack.success && ack.message.contains("head moved"))
            #expect(await h.state.writes.isEmpty)
        }
    }

    /// A 500 on a read is retried at once: the read answers, and the fault was really hit.
    @Test func aFiveHundredOnAReadIsRetried() async throws {
        try await H.with { h in
            let gate = try h.executor()
            await h.state.inject(.fail500)
            let before = await h.state.requestCount
            let shown = await gate.handle(H.command(.show(number: 1)))
            #expect(shown.success, "a read is retried after a 500: \(shown.message)")
            #expect(await h.state.firedFaults == [.fail500])
            #expect(await h.state.requestCount - before >= 2, "the 500, then the retry")
        }
    }

    /// A 500 on the write and on both inline retries: the outcome stays unknown, the entry stays claimed and the
    /// answer says so; the next reconciliation probes, finds nothing, and writes exactly once.
    @Test(arguments: H.Transport.allCases) func fiveHundredsOnEveryWriteAttemptLeaveItClaimedAndRecoveryWritesOnce(_ transport: H.Transport)
        async throws
    {
        try await H.with(transport) { h in
            var configuration = GateExecutor.Configuration()
            configuration.retryDelay = .milliseconds(50)
            let gate = try h.executor(configuration: configuration)
            for _ in 0..<3 { await h.state.inject(.fail500OnWrite) }
            let command = H.command(.createIssue(title: "Flaky", body: "", labels: [], assignees: []))
            let first = await gate.handle(command)
            #expect(!first.success && first.message.contains("the outcome is unknown, so it stays claimed"), "\(first.message)")
            #expect(await h.state.firedFaults == [.fail500OnWrite, .fail500OnWrite, .fail500OnWrite])
            #expect(await h.state.writes.isEmpty)
            let claimed = try await gate.ledger.claimedEntries(now: Int64(Date().timeIntervalSince1970) + 3600)
            #expect(claimed.map(\.key) == [IdempotencyKey(command)])

            let recovered = await gate.recover()
            #expect(recovered.count == 1 && recovered[0].success && !recovered[0].priorExecution, "\(recovered.map(\.message))")
            #expect(await h.state.items(H.repo).filter { $0.title == "Flaky" }.count == 1)
            let repeated = await gate.handle(H.command(.createIssue(title: "Flaky", body: "", labels: [], assignees: [])))
            #expect(repeated.priorExecution)
            #expect(await h.state.writes.count == 1)
        }
    }

    /// `status` shows only ledger entries of repositories the asker may act on.
    @Test(arguments: H.Transport.allCases) func statusShowsOnlyTheAskersRepositories(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let created = await gate.handle(H.command(.createIssue(title: "Visible?", body: "", labels: [], assignees: [])))
            let prefix = String(created.key.prefix(8))
            let mine = await gate.handle(H.command(.status(keyPrefix: prefix)), visibleRepositories: { $0 == H.repo })
            #expect(mine.success && mine.key == created.key)
            let other = await gate.handle(H.command(.status(keyPrefix: prefix)), visibleRepositories: { $0 == "someone/else" })
            #expect(!other.success && other.message.contains("no command with a key starting"))
        }
    }

    /// A Gitea 500 on the create itself (nothing written): the Gate probes, finds nothing, tries again and answers
    /// success at once, without a restart or a reconcile; one issue.
    @Test(arguments: H.Transport.allCases) func aFiveHundredOnTheWriteIsProbedAndRetriedInline(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            await h.state.inject(.fail500AtRequest(2))  // 1: the labels read, 2: the POST that creates the issue
            let ack = await gate.handle(H.command(.createIssue(title: "Retried", body: "b", labels: [], assignees: [])))
            #expect(ack.success && !ack.priorExecution, "\(ack.message)")
            #expect(await h.state.firedFaults == [.fail500AtRequest(1)], "the POST met the 500")
            #expect(await h.state.items(H.repo).filter { $0.title == "Retried" }.count == 1)
            #expect(await h.state.writes.count == 1)
        }
    }

    /// Another Gitea user pre-posts a comment with the key footer the next command will carry: the probe does not
    /// take it as proof (only the bot's login counts), and the command really runs.
    @Test(arguments: H.Transport.allCases) func aKeyFooterWrittenBySomebodyElseIsNoProof(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let created = await gate.handle(H.command(.createIssue(title: "Target", body: "", labels: [], assignees: [])))
            let number = try #require(created.number)
            let command = H.command(.addComment(issue: number, body: "real comment"))
            let key = IdempotencyKey(command)
            let forged = GateFooter.append(to: "fake", key: key, action: command.action, actor: command.source)
            _ = try await h.forge(token: "alice-token").createComment(try Repository(H.repo), number, body: forged)
            #expect(try await gate.probe(command, key: key, claimedAt: Int64(Date().timeIntervalSince1970), entryID: 0) == nil)
            let ack = await gate.handle(command)
            #expect(ack.success && !ack.priorExecution, "\(ack.message)")
            let comments = try await h.forge().comments(try Repository(H.repo), number, since: nil)
            #expect(comments.filter { $0.body.hasPrefix("real comment") && $0.user.login == "gatebot" }.count == 1)
        }
    }

    /// How many requests Gitea received while `body` ran.
    static func requests(_ h: H, _ body: () async throws -> Void) async throws -> Int {
        let before = await h.state.requestCount
        try await body()
        return await h.state.requestCount - before
    }

    /// The write is committed but the response never arrives (the client times out): the probe finds the key in
    /// Gitea and records it done; nothing is written twice.
    @Test(arguments: H.Transport.allCases) func droppedResponseAfterACommittedCreateLeavesExactlyOneIssue(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(timeout: 1)
            let plain = try await Self.requests(h) {
                _ = await gate.handle(H.command(.createIssue(title: "Plain", body: "", labels: [], assignees: [])))
            }
            await h.state.inject(.stallAfterCommit(seconds: 3))
            var answer: Ack?
            let held = try await Self.requests(h) {
                answer = await gate.handle(H.command(.createIssue(title: "Half-open", body: "b", labels: [], assignees: []), origin: "e-stall"))
            }
            let ack = try #require(answer)
            #expect(ack.success, "the probe should have found the committed issue: \(ack.message)")
            #expect(held > plain, "the outcome was found by probing Gitea (\(held) requests, a plain create takes \(plain))")
            #expect(await h.state.firedFaults == [.stallAfterCommit(seconds: 3)])
            #expect(await h.state.writes.count == 2, "the plain create and the held write were committed")
            try await Task.sleep(for: .seconds(2.5))
            _ = await gate.recover()
            let again = await gate.handle(H.command(.createIssue(title: "Half-open", body: "b", labels: [], assignees: []), origin: "e-2"))
            #expect(again.priorExecution)
            #expect(await h.state.items(H.repo).filter { $0.title == "Half-open" }.count == 1)
        }
    }

    /// The connection is dropped after the create committed: the client gets no response at all.
    @Test(arguments: H.Transport.allCases) func droppedConnectionAfterACommittedCreateLeavesExactlyOneIssue(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let plain = try await Self.requests(h) {
                _ = await gate.handle(H.command(.createIssue(title: "Plain", body: "", labels: [], assignees: [])))
            }
            await h.state.inject(.dropAfterCommit)
            var answer: Ack?
            let dropped = try await Self.requests(h) {
                answer = await gate.handle(H.command(.createIssue(title: "Dropped", body: "b", labels: [], assignees: []), origin: "e-drop"))
            }
            let ack = try #require(answer)
            #expect(ack.success, "the probe should have found the committed issue: \(ack.message)")
            #expect(dropped > plain, "the outcome was found by probing Gitea (\(dropped) requests, a plain create takes \(plain))")
            #expect(await h.state.firedFaults == [.dropAfterCommit])
            #expect(ack.number != nil)
            let again = await gate.handle(H.command(.createIssue(title: "Dropped", body: "b", labels: [], assignees: []), origin: "e-drop-2"))
            #expect(again.priorExecution)
            #expect(await h.state.items(H.repo).filter { $0.title == "Dropped" }.count == 1)
        }
    }

    /// The simulator's N-th-request fault: the third request of a close (GET issue, PATCH, proof comment) fails;
    /// the state change stands and the missing proof comment is reported as a warning.
    @Test(arguments: H.Transport.allCases) func failureOfTheNthRequest(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let created = await gate.handle(H.command(.createIssue(title: "Nth", body: "", labels: [], assignees: [])))
            await h.state.inject(.fail500AtRequest(3))
            let closed = await gate.handle(H.command(.closeIssue(issue: created.number!, comment: nil)))
            #expect(closed.success && closed.state == .closed)
            #expect(await h.state.firedFaults == [.fail500AtRequest(1)])
            #expect(closed.warnings.count == 1 && closed.warnings[0].contains("proof comment"), "\(closed.warnings)")
        }
    }

    @Test(arguments: H.Transport.allCases) func assigneesGiteaSilentlyDropsAreReported(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let admin = try h.executor()
            let created = await admin.handle(H.command(.createIssue(title: "Owned", body: "", labels: [], assignees: [])))
            // The reader account can edit its own issue but has no write access: Gitea ignores assignees.
            let reader = try h.executor(token: "reader-token")
            let readerIssue = await reader.handle(H.command(.createIssue(title: "Mine", body: "", labels: ["bug"], assignees: ["bob"])))
            #expect(readerIssue.success && readerIssue.warnings.count == 2, "\(readerIssue.warnings)")
            let ack = await reader.handle(H.command(.assignIssue(issue: readerIssue.number!, set: ["bob"], add: [], remove: [])))
            #expect(!ack.success && ack.message.contains("silently ignored"))
            #expect(created.success)
        }
    }
}
