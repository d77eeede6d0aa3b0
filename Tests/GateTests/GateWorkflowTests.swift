import Foundation
import GiteaSimulator
import Testing

@testable import Gate

/// `run` and `rerun` exactly once although neither can leave the gate key on Gitea (the baseline recorded before
/// the write decides), and the read-only lists (`list`, `prs`, `runs`) that must fit a phone screen.
@Suite(.serialized) struct GateWorkflowTests {
    typealias H = SimulatorHarness

    static func fast() -> GateExecutor.Configuration {
        var configuration = GateExecutor.Configuration()
        configuration.retryDelay = .milliseconds(20)
        configuration.runDiscoveryDelay = .milliseconds(20)
        return configuration
    }

    static func deploy(_ inputs: [String: String] = ["env": "prod"], origin: String? = UUID().uuidString) -> Command {
        H.command(.dispatchWorkflow(workflow: "deploy.yml", ref: nil, inputs: inputs), origin: origin)
    }

    /// How many dispatch and rerun requests reached the simulator.
    static func actionWrites(_ h: H) async -> [String] {
        await h.state.writes.map(\.1).filter { $0.contains("/actions/") }
    }

    @Test(arguments: H.Transport.allCases) func aDispatchRunsOnceAndNamesItsRun(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(configuration: Self.fast())
            let ack = await gate.handle(Self.deploy())
            #expect(ack.success && ack.message == "dispatched deploy.yml on main: run #1 in", "\(ack.sentence)")
            #expect(ack.url?.hasSuffix("/ops/tc/actions/runs/1") == true && ack.title == "Deploy", "\(ack.sentence)")
            let repeated = await gate.handle(Self.deploy())
            #expect(repeated.priorExecution && repeated.url == ack.url, "\(repeated.sentence)")
            let byName = await gate.handle(H.command(.dispatchWorkflow(workflow: "Deploy", ref: "main", inputs: [:])))
            #expect(byName.success && byName.message.contains("run #2"), "\(byName.sentence)")
            #expect(await h.state.runCount(H.repo) == 2)
        }
    }

    @Test(arguments: H.Transport.allCases) func unknownWorkflowsAndRefsAreRefusedWithNothingRun(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(configuration: Self.fast())
            let unknown = await gate.handle(H.command(.dispatchWorkflow(workflow: "release.yml", ref: nil, inputs: [:])))
            #expect(!unknown.success && unknown.message.contains("no workflow \"release.yml\"") && unknown.message.contains("deploy.yml, ci.yml"))
            let badRef = await gate.handle(H.command(.dispatchWorkflow(workflow: "deploy.yml", ref: "nope", inputs: [:])))
            #expect(!badRef.success && badRef.message.contains("not found"), "\(badRef.message)")
            #expect(await h.state.runCount(H.repo) == 0)
            // Refusals are final: recorded failed, nothing left to reconcile.
            #expect(await gate.recover().isEmpty)
        }
    }

    /// A 500 on the dispatch: the probe finds no run above the baseline, so the Gate dispatches again, once.
    @Test(arguments: H.Transport.allCases) func aFiveHundredOnTheDispatchRunsItOnce(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(configuration: Self.fast())
            await h.state.inject(.fail500OnWrite)
            let ack = await gate.handle(Self.deploy())
            #expect(ack.success && ack.message.contains("run #1"), "\(ack.sentence)")
            #expect(await h.state.firedFaults == [.fail500OnWrite])
            #expect(await h.state.runCount(H.repo) == 1)
        }
    }

    /// Gitea created the run, then the connection dropped: the probe finds the run, and there is no second one.
    @Test(arguments: H.Transport.allCases) func aDroppedConnectionAfterGiteaCommittedRunsNoSecondRun(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(configuration: Self.fast())
            await h.state.inject(.dropAfterCommit)
            let ack = await gate.handle(Self.deploy())
            #expect(ack.success && ack.message.contains("run #1"), "\(ack.sentence)")
            #expect(await h.state.firedFaults == [.dropAfterCommit])
            #expect(await h.state.runCount(H.repo) == 1)
            #expect(await Self.actionWrites(h).count == 1)
        }
    }

    /// Two dispatches of the same workflow close together, the first one's answer lost and its probe failing:
    /// the second runs at once (run #2); reconciling the first later names run #1, the oldest above its own
    /// baseline, not the newer run of the other dispatch.
    @Test(arguments: H.Transport.allCases) func twoDispatchesCloseTogetherEachNameTheirOwnRun(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            var configuration = Self.fast()
            configuration.unknownOutcomeRetries = 0
            let gate = try h.executor(configuration: configuration)
            await h.state.inject(.dropAfterCommit)
            // The probe's listing fails (the HTTP client tries a read three times).
            for _ in 0..<(transport == .http ? 3 : 1) { await h.state.inject(.fail500) }
            let first = await gate.handle(Self.deploy(["tag": "v1"]))
            #expect(!first.success && first.message.contains("stays claimed"), "\(first.sentence)")
            let second = await gate.handle(Self.deploy(["tag": "v2"]))
            #expect(second.success && second.message.contains("run #2"), "\(second.sentence)")
            let recovered = await gate.recover()
            #expect(recovered.count == 1 && recovered[0].success && recovered[0].message.contains("run #1"), "\(recovered.map(\.sentence))")
            #expect(await h.state.runCount(H.repo) == 2)
        }
    }

    /// A process that died after its claim: with no baseline it never sent the dispatch, so recovery sends it; with
    /// a baseline and a run above it, recovery finds that run and sends nothing.
    @Test func recoveryDispatchesOnlyWhatNeverReachedGitea() async throws {
        try await H.with(.inProcess) { h in
            let path = H.ledgerPath()
            let ledger = try SQLiteLedger(path: path)
            let now = Int64(Date().timeIntervalSince1970)
            let never = Self.deploy(["tag": "never-sent"])
            _ = try await ledger.claim(key: IdempotencyKey(never), command: never, now: now, window: 3600)
            let sent = Self.deploy(["tag": "sent"])
            guard case .claimed(let entry) = try await ledger.claim(key: IdempotencyKey(sent), command: sent, now: now, window: 3600) else {
                Issue.record("not claimed")
                return
            }
            try await ledger.recordBaseline(id: entry.id, value: WorkflowBaseline.dispatch(newestRun: 0, workflow: "deploy.yml", ref: "main").json)
            _ = try await h.forge().dispatchWorkflow(try Repository(H.repo), workflow: "deploy.yml", ref: "main", inputs: ["tag": "sent"])
            let gate = try h.executor(ledgerPath: path, configuration: Self.fast())
            let recovered = await gate.recover()
            #expect(recovered.count == 2 && recovered.allSatisfy(\.success), "\(recovered.map(\.sentence))")
            #expect(await h.state.runCount(H.repo) == 2)
            #expect(try await ledger.claimedEntries().isEmpty)
        }
    }

    /// `rerun N failed` on a run whose flaky job failed: once, only that job; refused while a run is going and
    /// for a run without failures; a repeated command is answered from the ledger.
    @Test(arguments: H.Transport.allCases) func rerunOfFailedJobsRunsOnce(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            await h.state.setJobDuration(0.2)
            let gate = try h.executor(configuration: Self.fast())
            #expect(await gate.handle(H.command(.dispatchWorkflow(workflow: "ci.yml", ref: nil, inputs: [:]))).success)
            let early = await gate.handle(H.command(.rerunWorkflow(run: 1, failedOnly: true)))
            #expect(!early.success && early.message.contains("still"), "\(early.message)")
            try await Task.sleep(for: .milliseconds(300))
            let runs = await gate.handle(H.command(.runs(workflow: "ci")))
            #expect(runs.lines?.first?.contains("#1 ci.yml ✗ failure main") == true, "\(runs.sentence)")
            await h.state.inject(.dropAfterCommit)
            let rerun = await gate.handle(H.command(.rerunWorkflow(run: 1, failedOnly: true), origin: "rerun-1"))
            #expect(rerun.success && rerun.message == "reran the failed jobs of run #1 in", "\(rerun.sentence)")
            #expect(await h.state.firedFaults == [.dropAfterCommit])
            let again = await gate.handle(H.command(.rerunWorkflow(run: 1, failedOnly: true), origin: "rerun-2"))
            #expect(again.priorExecution, "\(again.sentence)")
            #expect(await Self.actionWrites(h).filter { $0.hasSuffix("/rerun-failed-jobs") }.count == 1)
            try await Task.sleep(for: .milliseconds(300))
            let passed = await gate.handle(H.command(.runs(workflow: nil)))
            #expect(passed.lines?.first?.contains("#1 ci.yml ✓ success") == true, "\(passed.sentence)")
            let nothingFailed = await gate.handle(H.command(.rerunWorkflow(run: 1, failedOnly: true), again: true))
            #expect(!nothingFailed.success && nothingFailed.message.contains("no failed jobs"), "\(nothingFailed.message)")
            let unknown = await gate.handle(H.command(.rerunWorkflow(run: 9, failedOnly: false)))
            #expect(!unknown.success && unknown.message.contains("no workflow run #9"), "\(unknown.message)")
        }
    }

    /// 30 issues with long titles: the answer counts all 30, shows the newest 10 (titles cut), says "more: 20",
    /// and stays under 2,000 characters; filters reach Gitea.
    @Test(arguments: H.Transport.allCases) func longListsArePagedAndTruncated(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            for index in 1...30 {
                await h.state.addIssue(H.repo, title: "Issue \(index) " + String(repeating: "long title ", count: 12), author: "alice")
            }
            let gate = try h.executor()
            let ack = await gate.handle(H.command(.list(filter: IssueFilter(), pulls: false)))
            #expect(ack.success && ack.message == "ops/tc: 30 open issues:", "\(ack.message)")
            let lines = try #require(ack.lines)
            #expect(lines.count == 11 && lines.last == "more: 20", "\(lines)")
            #expect(lines[0].hasPrefix("#31 Issue 30 long title") && lines[0].contains("…") && lines[0].hasSuffix("/ops/tc/issues/31"), "\(lines[0])")
            #expect(ack.sentence.count < 2000)

            let labelled = await gate.handle(H.command(.createIssue(title: "Broken deploy", body: "", labels: ["bug"], assignees: ["bob"])))
            let filtered = await gate.handle(H.command(.list(filter: IssueFilter(labels: ["bug"], assignee: "bob"), pulls: false)))
            #expect(filtered.message.hasPrefix("ops/tc: 1 open issue (label:bug, assigned to @bob)"), "\(filtered.message)")
            #expect(filtered.lines == ["#\(labelled.number!) Broken deploy (bug) @bob 0s \(labelled.url!)"], "\(filtered.sentence)")
            let searched = await gate.handle(H.command(.list(filter: IssueFilter(state: .all, text: "deploy"), pulls: false)))
            #expect(searched.message.contains("Gitea's index, which can lag"), "\(searched.message)")
            let pulls = await gate.handle(H.command(.list(filter: IssueFilter(), pulls: true)))
            #expect(
                pulls.message == "ops/tc: 1 open pull request:" && pulls.lines?.first?.hasPrefix("!1 Add deploy script") == true, "\(pulls.sentence)")
        }
    }
}
