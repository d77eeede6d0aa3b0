import Foundation
import Gate
import Testing

/// ``CancellableSleep``: it sleeps its duration, and a cancelled sleep returns at once.
@Suite struct CancellableSleepTests {
    @Test func sleepsItsDuration() async {
        let start = ContinuousClock.now
        await CancellableSleep.sleep(for: .milliseconds(100))
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }

    @Test func aCancelledSleepReturnsAtOnce() async {
        let start = ContinuousClock.now
        let sleeper = Task { await CancellableSleep.sleep(for: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        sleeper.cancel()
        await sleeper.value
        #expect(ContinuousClock.now - start < .seconds(5))
        // Already cancelled: no timer is armed at all.
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await CancellableSleep.sleep(for: .seconds(60))
        }
        await cancelled.value
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
