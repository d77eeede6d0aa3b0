import Gate
import Testing

/// ``SweepSchedule``: the rows of its table, and a pass that finds work (or a reset) bringing the wait back.
@Suite struct SweepScheduleTests {
    /// Waits after 0…5 passes that found nothing, in seconds.
    static func waits(base: Duration, maximum: Duration) -> [Duration] {
        var schedule = SweepSchedule(base: base, maximum: maximum)
        var waits: [Duration] = []
        for _ in 0..<6 {
            waits.append(schedule.wait)
            schedule.passed(foundWork: false)
        }
        return waits
    }

    @Test func theWaitDoublesWhilePassesFindNothingUpToTheMaximum() {
        #expect(Self.waits(base: .seconds(5), maximum: .seconds(60)) == [5, 10, 20, 40, 60, 60].map { Duration.seconds($0) })
        #expect(Self.waits(base: .seconds(15), maximum: .seconds(60)) == [15, 30, 60, 60, 60, 60].map { Duration.seconds($0) })
        // A maximum below the base is the base: the sweep never waits less than it was asked to.
        #expect(Self.waits(base: .seconds(30), maximum: .seconds(10)) == Array(repeating: .seconds(30), count: 6))
    }

    @Test func aPassThatFindsWorkOrAResetBringsTheBaseBack() {
        var schedule = SweepSchedule(base: .seconds(5), maximum: .seconds(60))
        for _ in 0..<3 { schedule.passed(foundWork: false) }
        #expect(schedule.wait == .seconds(40))
        schedule.passed(foundWork: true)
        #expect(schedule.wait == .seconds(5))
        for _ in 0..<1000 { schedule.passed(foundWork: false) }
        #expect(schedule.wait == .seconds(60), "a long idle stays at the maximum")
        schedule.reset()
        #expect(schedule.wait == .seconds(5))
    }
}
