import Foundation
import Gate
import Testing

/// ``SweepAlarm``: a sleep runs its course, a ring cuts it short (or the next one, when it comes first), and a
/// cancelled sleep returns at once.
@Suite struct SweepAlarmTests {
    @Test func aSleepNobodyRingsRunsItsCourse() async {
        let alarm = SweepAlarm()
        let start = ContinuousClock.now
        #expect(await alarm.sleep(for: .milliseconds(100)) == .elapsed)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }

    @Test func aRingEndsTheSleepAtOnce() async {
        let alarm = SweepAlarm()
        let start = ContinuousClock.now
        let sleeper = Task { await alarm.sleep(for: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        alarm.ring()
        #expect(await sleeper.value == .rung)
        #expect(ContinuousClock.now - start < .seconds(5))
        // The ring was used up: the next sleep runs its course.
        #expect(await alarm.sleep(for: .milliseconds(20)) == .elapsed)
    }

    @Test func aRingWhileNobodySleepsEndsTheNextSleep() async {
        let alarm = SweepAlarm()
        alarm.ring()
        alarm.ring()
        let start = ContinuousClock.now
        #expect(await alarm.sleep(for: .seconds(60)) == .rung)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(await alarm.sleep(for: .milliseconds(20)) == .elapsed, "two rings before a sleep end one sleep")
    }

    @Test func aCancelledSleepReturnsAtOnce() async {
        let alarm = SweepAlarm()
        let start = ContinuousClock.now
        let sleeper = Task { await alarm.sleep(for: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        sleeper.cancel()
        #expect(await sleeper.value == .cancelled)
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
