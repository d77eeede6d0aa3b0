import Testing

@testable import Gate

/// The exactly-once protocol driven with plain events: every row of ``ExactlyOnceStateMachine``'s table, no
/// ledger, no forge, no clock.
@Suite struct ExactlyOnceStateMachineTests {
    static let command = Command(
        source: "nostr:alice", repository: try! Repository("ops/tc"),
        payload: .closeIssue(issue: 4, comment: nil), origin: nil, receivedAt: 100)
    static let key = IdempotencyKey(command)
    static let done = Ack(success: true, key: key.hex, action: .closeIssue, repository: "ops/tc", number: 4, message: "closed")

    static func machine(_ mode: ExactlyOnceStateMachine.Mode, retries: Int = 2) -> ExactlyOnceStateMachine {
        ExactlyOnceStateMachine(command: command, key: key, mode: mode, retries: retries, retryDelay: .seconds(1))
    }

    @Test func aSuccessfulCallIsCompleted() {
        var machine = Self.machine(.execute)
        #expect(machine.start() == .call)
        #expect(machine.receive(.called(Self.done), now: 200) == .complete(Self.done))
    }

    @Test func aRefusalIsRecordedFailedWithItsMessage() {
        var machine = Self.machine(.execute)
        guard case .fail(let ack) = machine.receive(.refused("issue is locked"), now: 200) else {
            Issue.record("not failed")
            return
        }
        #expect(!ack.success && ack.message == "issue is locked" && ack.executedAt == 200 && ack.number == 4 && ack.key == Self.key.hex)
    }

    @Test func anUnknownOutcomeIsProbedAndWhatIsFoundCompletes() {
        var machine = Self.machine(.execute)
        #expect(machine.receive(.outcomeUnknown("no answer from Gitea"), now: 200) == .probe)
        #expect(machine.receive(.probed(Self.done), now: 201) == .complete(Self.done))
    }

    /// Nothing written: retried after 1 s, then 2 s; after the last retry the outcome stays unknown (claimed).
    @Test func nothingWrittenIsRetriedWithDoublingWaitsThenStaysClaimed() {
        var machine = Self.machine(.execute)
        var actions: [ExactlyOnceStateMachine.Action] = []
        for _ in 0..<3 {
            #expect(machine.receive(.outcomeUnknown("HTTP 500"), now: 200) == .probe)
            let next = machine.receive(.probed(nil), now: 200)
            actions.append(next)
            if case .wait = next { #expect(machine.receive(.waited, now: 201) == .call) }
        }
        #expect(actions.prefix(2) == [.wait(.seconds(1)), .wait(.seconds(2))])
        guard case .answer(let ack) = actions[2] else {
            Issue.record("\(actions[2])")
            return
        }
        #expect(!ack.success && ack.message.hasPrefix("HTTP 500; the outcome is unknown, so it stays claimed"))
        #expect(ack.message.contains("status \(Self.key.short)"))
    }

    @Test func noRetryWhileCancelledAndNoneAfterAFailedProbe() {
        var cancelled = Self.machine(.execute)
        _ = cancelled.receive(.outcomeUnknown("cancelled"), now: 200)
        guard case .answer = cancelled.receive(.probed(nil), now: 200, cancelled: true) else {
            Issue.record("retried while cancelled")
            return
        }
        var blind = Self.machine(.execute)
        _ = blind.receive(.outcomeUnknown("HTTP 502"), now: 200)
        guard case .answer(let ack) = blind.receive(.probeFailed("HTTP 502"), now: 200) else {
            Issue.record("not answered")
            return
        }
        #expect(ack.message.contains("stays claimed"))
    }

    @Test func reconcilingProbesFirstAndExecutesOnlyWhenNothingWasWritten() {
        var found = Self.machine(.reconcile)
        #expect(found.start() == .probe)
        guard case .complete(let ack) = found.receive(.probed(Self.done), now: 300) else {
            Issue.record("not completed")
            return
        }
        #expect(ack.message == "found already done on Gitea: closed")
        var nothing = Self.machine(.reconcile)
        #expect(nothing.receive(.probed(nil), now: 300) == .execute)
    }

    @Test func reconcilingFailsClosedWhenGiteaCannotBeAsked() {
        var machine = Self.machine(.reconcile)
        guard case .answer(let ack) = machine.receive(.probeFailed("connection refused"), now: 300) else {
            Issue.record("would write")
            return
        }
        #expect(!ack.success && ack.message == "cannot check Gitea for an earlier execution (connection refused); not executed")
    }
}
