import Foundation
import GRDB
import Gate
import NIOConcurrencyHelpers
import Testing

/// `handle(…, writeSettled:)`: the bot lets the next command on a target write once this one's outcome on Gitea is
/// known, while its ledger entry still commits, and builds the answer meanwhile. The signal must come after the write
/// and before the completion, once per executed command, with the acknowledgement the call returns, and never for an
/// answer from the ledger.
@Suite struct GateWriteSettledTests {
    typealias H = SimulatorHarness

    /// What the ledger held each time the signal came: the newest entry's state, read from the ledger's file.
    final class Signals: Sendable {
        let states = NIOLockedValueBox<[String]>([])
        /// The acknowledgements the signals carried.
        let acks = NIOLockedValueBox<[Ack]>([])
        let reader: DatabaseQueue

        init(ledgerPath: String) throws {
            var configuration = Configuration()
            configuration.readonly = true
            reader = try DatabaseQueue(path: ledgerPath, configuration: configuration)
        }

        func settled(_ ack: Ack) {
            acks.withLockedValue { $0.append(ack) }
            let state = (try? reader.read { try String.fetchOne($0, sql: "SELECT state FROM ledger ORDER BY id DESC LIMIT 1") }) ?? nil
            states.withLockedValue { $0.append(state ?? "none") }
        }
    }

    @Test(arguments: H.Transport.allCases) func signalledOnceBetweenTheWriteAndTheCompletion(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let path = H.ledgerPath()
            let gate = try h.executor(ledgerPath: path)
            let signals = try Signals(ledgerPath: path)
            let command = H.command(.addComment(issue: 1, body: "deploy done"), origin: "event-1")
            let ack = await gate.handle(command, writeSettled: { signals.settled($0) })
            #expect(ack.success && !ack.priorExecution)
            // Signalled once, while the entry was still claimed: the completion had not committed yet.
            #expect(signals.states.withLockedValue { $0 } == ["claimed"])
            #expect(signals.acks.withLockedValue { $0 } == [ack], "the signal carries the acknowledgement the call returns")
            #expect(try await signals.reader.read { try String.fetchOne($0, sql: "SELECT state FROM ledger ORDER BY id DESC LIMIT 1") } == "done")
            #expect(await h.state.writes.count == 1)

            // The same event again is answered from the ledger: nothing written, nothing signalled.
            let again = await gate.handle(command, writeSettled: { signals.settled($0) })
            #expect(again.priorExecution)
            #expect(signals.states.withLockedValue { $0 }.count == 1)
            #expect(await h.state.writes.count == 1)
        }
    }

    @Test func aRefusedWriteIsSignalledBeforeItsFailureIsRecorded() async throws {
        try await H.with(.inProcess) { h in
            let path = H.ledgerPath()
            let gate = try h.executor(ledgerPath: path)
            let signals = try Signals(ledgerPath: path)
            let ack = await gate.handle(
                H.command(.createIssue(title: "T", body: "", labels: ["nope"], assignees: [])), writeSettled: { signals.settled($0) })
            #expect(!ack.success)
            #expect(signals.states.withLockedValue { $0 } == ["claimed"])
            #expect(signals.acks.withLockedValue { $0 } == [ack])
            #expect(try await signals.reader.read { try String.fetchOne($0, sql: "SELECT state FROM ledger ORDER BY id DESC LIMIT 1") } == "failed")
            #expect(await h.state.writes.isEmpty)
        }
    }
}
