import Foundation
import GiteaSimulator
import Testing

@testable import Gate

/// The reconciling sweep (``GateExecutor/reconcileClaims(every:backingOffTo:)``) backs off while it finds nothing,
/// and a command that leaves its claim unresolved brings it back to its short wait at once.
@Suite(.serialized) struct ReconcileSweepTests {
    typealias H = SimulatorHarness

    @Test func aClaimLeftUnresolvedIsReconciledAtTheShortWaitAfterTheSweepBackedOff() async throws {
        try await H.with(.inProcess) { h in
            var configuration = GateExecutor.Configuration()
            configuration.retryDelay = .milliseconds(20)
            let gate = try h.executor(configuration: configuration)
            let sweep = Task { await gate.reconcileClaims(every: .milliseconds(20), backingOffTo: .seconds(30)) }
            defer { sweep.cancel() }
            // Passes at 0.02, 0.06, 0.14, 0.30, 0.62, 1.26, 2.54 s found nothing; the next one is due at 5.1 s.
            try await Task.sleep(for: .milliseconds(2600))
            for _ in 0..<3 { await h.state.inject(.fail500OnWrite) }
            let first = await gate.handle(H.command(.createIssue(title: "Left claimed", body: "", labels: [], assignees: [])))
            #expect(!first.success && first.message.contains("stays claimed"), "\(first.message)")
            let left = ContinuousClock.now
            let deadline = left + .seconds(10)
            while await h.state.items(H.repo).filter({ $0.title == "Left claimed" }).isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let waited = ContinuousClock.now - left
            #expect(waited < .seconds(1), "reconciled \(waited) after the answer; the backed-off pass was ~2 s away")
            #expect(await h.state.writes.count == 1)
            let claimed = try await gate.ledger.claimedEntries(now: Int64(Date().timeIntervalSince1970) + 3600)
            #expect(claimed.isEmpty)
        }
    }
}
