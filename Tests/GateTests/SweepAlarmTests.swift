import Foundation
import Gate
import NIOConcurrencyHelpers
import Testing

/// ``SweepAlarm``: a sleep runs its course, a ring cuts it short (or the next one, when it comes first), a
/// cancelled sleep returns at once; passes run as their schedule says.
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

    @Test func passesThatFindNothingComeLessAndLessOften() async {
        let busy = NIOLockedValueBox(0)
        let idle = NIOLockedValueBox(0)
        let schedule = SweepSchedule(base: .milliseconds(20), maximum: .seconds(10))
        let sweeps = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await SweepAlarm().runPasses(schedule) {
                        busy.withLockedValue { $0 += 1 }
                        return true
                    }
                }
                group.addTask {
                    await SweepAlarm().runPasses(schedule) {
                        idle.withLockedValue { $0 += 1 }
                        return false
                    }
                }
            }
        }
        try? await Task.sleep(for: .milliseconds(500))
        sweeps.cancel()
        await sweeps.value
        // Finding nothing: passes at 20, 60, 140, 300 ms (the next at 620); finding work: every 20 ms.
        let (busyPasses, idlePasses) = (busy.withLockedValue { $0 }, idle.withLockedValue { $0 })
        #expect(idlePasses >= 2 && idlePasses <= 5, "\(idlePasses) passes that found nothing")
        #expect(busyPasses >= 10, "\(busyPasses) passes that found work")
    }
}
