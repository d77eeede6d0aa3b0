import Testing

@testable import NostrCore

@Suite struct BackoffTests {
    /// The table in `Backoff`'s doc comment.
    @Test func workedTable() {
        let expected: [(Int, Duration)] = [
            (0, .milliseconds(500)), (1, .seconds(1)), (2, .seconds(2)), (3, .seconds(4)),
            (5, .seconds(16)), (6, .seconds(30)), (20, .seconds(30)), (100, .seconds(30))
        ]
        for (failures, delay) in expected {
            #expect(Backoff.delay(failures: failures, jitter: 0.5) == delay, "failures \(failures)")
        }
    }

    @Test func fullJitterSpansZeroToCeiling() {
        #expect(Backoff.delay(failures: 4, jitter: 0) == .zero)
        #expect(Backoff.delay(failures: 4, jitter: 1) == .seconds(16))
        #expect(Backoff.delay(failures: 10, jitter: 0.999) < .seconds(60))
    }
}

@Suite struct RelayConnectionStateMachineTests {
    let t0 = ContinuousClock.now

    /// The reconnect an action must be: its time and delay; a test fails here on any other action.
    func reconnect(_ action: RelayConnectionStateMachine.Action, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (at: ContinuousClock.Instant, delay: Duration)
    {
        guard case .reconnect(let at, let delay) = action else {
            try #require(Bool(false), "expected a reconnect, got \(action)", sourceLocation: sourceLocation)
            fatalError("unreachable")
        }
        return (at, delay)
    }

    @Test func connectsAtOnceThenBacksOffExponentially() throws {
        var machine = RelayConnectionStateMachine()
        #expect(machine.start() == .connect)
        var now = t0
        var delays: [Duration] = []
        for _ in 0..<8 {
            let (at, delay) = try reconnect(machine.connectionEnded(at: now, jitter: 1))
            #expect(at == now + delay)
            delays.append(delay)
            now = at
            #expect(machine.reconnectTimerFired() == .connect)
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        #expect(machine.reconnects == 8)
    }

    @Test func aStableMinuteResetsTheBackoff() throws {
        var machine = RelayConnectionStateMachine()
        _ = machine.start()
        var now = t0
        for _ in 0..<5 {
            now = try reconnect(machine.connectionEnded(at: now, jitter: 1)).at
            _ = machine.reconnectTimerFired()
        }
        // Up for 59 s: still penalized.
        _ = machine.connected(at: now)
        let (at1, short) = try reconnect(machine.connectionEnded(at: now + .seconds(59), jitter: 1))
        #expect(short == .seconds(32) || short == .seconds(60))
        _ = machine.reconnectTimerFired()
        // Up for a full minute: back to the 1 s base.
        _ = machine.connected(at: at1)
        let reset = try reconnect(machine.connectionEnded(at: at1 + .seconds(60), jitter: 1)).delay
        #expect(reset == .seconds(1))
    }

    @Test func eventsOutOfOrderDoNothing() {
        var machine = RelayConnectionStateMachine()
        #expect(machine.reconnectTimerFired() == .none)
        #expect(machine.connectionEnded(at: t0, jitter: 0.5) == .none)
        _ = machine.start()
        #expect(machine.start() == .none)
        machine.stop()
        #expect(machine.connectionEnded(at: t0, jitter: 0.5) == .none)
        #expect(machine.state == .stopped)
    }
}
