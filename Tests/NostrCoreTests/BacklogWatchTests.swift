import NostrCore
import Testing

/// ``BacklogWatch`` driven with plain instants and waits: when a reader counts as behind, when as caught up.
struct BacklogWatchTests {
    let t0 = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { t0 + .milliseconds(milliseconds) }

    /// Hand-offs `every` ms from `from` to `to` (exclusive), each having waited `wait` ms; the decisions that are not
    /// `.none`, with the instant of the hand-off that made them.
    func feed(
        _ watch: inout BacklogWatch, from: Int, to: Int, every: Int, wait: Double
    ) -> [(Int, BacklogWatch.Decision)] {
        var decisions: [(Int, BacklogWatch.Decision)] = []
        for ms in stride(from: from, to: to, by: every) {
            let decision = watch.handedOff(waited: .microseconds(Int(wait * 1000)), at: at(ms))
            if decision != .none { decisions.append((ms, decision)) }
        }
        return decisions
    }

    @Test func anIdleOrKeptUpReaderIsNeverBehindAndNeverTimed() {
        var watch = BacklogWatch()
        #expect(watch.deadline == nil)
        // 1,000 events a second taken at once (10 µs each), for ten seconds.
        #expect(feed(&watch, from: 0, to: 10_000, every: 1, wait: 0.01).isEmpty)
        #expect(watch.behindSince == nil)
        #expect(watch.deadline == nil)
        #expect(watch.tick(now: at(20_000)) == .none)
    }

    @Test func waitingMostOfAWindowIsBehindAndALaterQuietWindowCatchesUp() {
        var watch = BacklogWatch()
        // 0.8 ms of every 1 ms waiting in the hand-off: the inbox is the bottleneck.
        #expect(feed(&watch, from: 0, to: 3_000, every: 1, wait: 0.8).isEmpty)
        #expect(watch.behindSince != nil)
        let behindSince = watch.behindSince
        // The backlog drains: hand-offs are immediate again. The first window of short waits catches up, once.
        let decisions = feed(&watch, from: 3_000, to: 6_000, every: 1, wait: 0.01)
        #expect(decisions.count == 1)
        if let (ms, decision) = decisions.first {
            #expect(decision == .catchUp(behindSince: behindSince!))
            #expect(ms >= 4_000 && ms <= 5_000, "caught up at \(ms) ms")
        }
        #expect(watch.behindSince == nil)
        #expect(watch.deadline == nil)
    }

    @Test func oneLongWaitCountsFromWhenItBeganAndATickCatchesUpWithoutFurtherEvents() {
        var watch = BacklogWatch()
        // The inbox took nothing for 3 s; the reader's first hand-off waited all that time.
        #expect(watch.handedOff(waited: .seconds(3), at: at(3_000)) == .none)
        // The next hand-off closes that window: behind since the wait began.
        #expect(watch.handedOff(waited: .microseconds(10), at: at(3_001)) == .none)
        #expect(watch.behindSince == at(0))
        // No event comes any more: the deadline asks for a tick, which catches up.
        let deadline = try! #require(watch.deadline)
        #expect(deadline == at(4_001))
        #expect(watch.tick(now: at(3_500)) == .none)
        #expect(watch.tick(now: deadline) == .catchUp(behindSince: at(0)))
        #expect(watch.deadline == nil)
    }

    @Test func betweenTheSharesNothingChangesEitherWay() {
        // 30 % waiting: not behind from a standing start…
        var kept = BacklogWatch()
        #expect(feed(&kept, from: 0, to: 5_000, every: 1, wait: 0.3).isEmpty)
        #expect(kept.behindSince == nil)
        // …and not caught up once behind: the backlog is still being worked off.
        var behind = BacklogWatch()
        _ = feed(&behind, from: 0, to: 2_000, every: 1, wait: 0.9)
        #expect(behind.behindSince != nil)
        #expect(feed(&behind, from: 2_000, to: 6_000, every: 1, wait: 0.3).isEmpty)
        #expect(behind.behindSince != nil)
    }

    @Test func aResetForgetsABacklog() {
        var watch = BacklogWatch()
        _ = feed(&watch, from: 0, to: 2_000, every: 1, wait: 0.9)
        #expect(watch.behindSince != nil)
        watch.reset()
        #expect(watch.behindSince == nil)
        #expect(watch.deadline == nil)
        #expect(feed(&watch, from: 2_000, to: 5_000, every: 1, wait: 0.01).isEmpty)
    }

    @Test func theSharesFollowTheConfiguration() {
        // A window of 100 ms; behind at 20 %, caught up under 5 %.
        var watch = BacklogWatch(configuration: .init(window: .milliseconds(100), behindShare: 0.2, caughtUpShare: 0.05))
        #expect(feed(&watch, from: 0, to: 300, every: 1, wait: 0.25).isEmpty)
        #expect(watch.behindSince != nil)
        let decisions = feed(&watch, from: 300, to: 600, every: 1, wait: 0.01)
        #expect(decisions.count == 1)
        #expect(decisions.first.map { $0.0 >= 400 && $0.0 <= 500 } == true)
    }
}
