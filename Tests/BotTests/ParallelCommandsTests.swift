import Bot
import Foundation
import Testing

/// ``ParallelCommands`` with real child tasks: jobs that hold until the test releases them show which ran at once,
/// that a target's second job waits for its first, that the intake waits at capacity, and that held jobs finish
/// after the intake ended.
@Suite struct ParallelCommandsTests {
    /// Records starts and finishes; a job runs until released.
    actor Probe {
        private(set) var started: [Int] = []
        private(set) var finished: [Int] = []
        private var released: Set<Int> = []
        private var gates: [Int: CheckedContinuation<Void, Never>] = [:]

        /// Records the start, then runs `onStart` (a job releasing its target: after its own start is recorded, so
        /// that the job it lets start is recorded after it), then holds until released.
        func run(_ id: Int, onStart: (() -> Void)? = nil) async {
            started.append(id)
            onStart?()
            if !released.contains(id) { await withCheckedContinuation { gates[id] = $0 } }
            finished.append(id)
        }

        func release(_ id: Int) {
            released.insert(id)
            gates.removeValue(forKey: id)?.resume()
        }

        /// Waits (at most 10 s) until `ids` have all started.
        func waitUntilStarted(_ ids: Set<Int>) async {
            let deadline = Date().addingTimeInterval(10)
            while !ids.isSubset(of: started) && Date() < deadline { try? await Task.sleep(for: .milliseconds(2)) }
        }

        /// Waits (at most 10 s) until `ids` have all finished.
        func waitUntilFinished(_ ids: Set<Int>) async {
            let deadline = Date().addingTimeInterval(10)
            while !ids.isSubset(of: finished) && Date() < deadline { try? await Task.sleep(for: .milliseconds(2)) }
        }
    }

    static let issue1 = CommandTarget(repository: "ops/tc", number: 1)
    static let issue2 = CommandTarget(repository: "ops/tc", number: 2)

    /// With jobs 1 and 2 holding both places, job 3 (on issue 2) is handed over and job 1 let go 100 ms later: the
    /// intake takes job 3 only once job 1 returned. Then jobs 2 and 3 are let go.
    static func submitThirdOnceTheFirstReturns(_ intake: inout ParallelCommands.Intake<Int>, _ probe: Probe, _ note: Comment) async {
        async let releaser: Void = {
            try? await Task.sleep(for: .milliseconds(100))
            await probe.release(1)
        }()
        #expect(await intake.submit(3, on: issue2))
        #expect(await probe.finished == [1], note)
        await releaser
        await probe.release(2)
        await probe.release(3)
    }

    @Test func differentTargetsRunAtOnceAndOneTargetWaitsForItsFirstJob() async {
        let probe = Probe()
        await ParallelCommands.run(
            width: 2, capacity: 8,
            intake: { (intake: inout ParallelCommands.Intake<Int>) in
                #expect(await intake.submit(1, on: Self.issue1))
                #expect(await intake.submit(2, on: Self.issue2))
                #expect(await intake.submit(3, on: Self.issue1))
                await probe.waitUntilStarted([1, 2])
                #expect(Set(await probe.started) == [1, 2], "1 and 2 at once; 3 waits behind 1")
                await probe.release(2)
                try? await Task.sleep(for: .milliseconds(50))
                #expect(!(await probe.started).contains(3), "a free place does not let 3 overtake 1")
                await probe.release(1)
                await probe.waitUntilStarted([3])
                await probe.release(3)
            },
            execute: { await probe.run($0) })
        // 1 and 2 start at once, in either order (the full suite once saw 2 first); 3 only after them.
        let started = await probe.started
        #expect(started.count == 3 && Set(started.prefix(2)) == [1, 2] && started.last == 3, "\(started)")
        #expect(await probe.finished == [2, 1, 3])
    }

    @Test func theIntakeWaitsWhileCapacityJobsAreHeld() async {
        let probe = Probe()
        await ParallelCommands.run(
            width: 1, capacity: 2,
            intake: { (intake: inout ParallelCommands.Intake<Int>) in
                #expect(await intake.submit(1, on: Self.issue1))
                #expect(await intake.submit(2, on: Self.issue1))
                await Self.submitThirdOnceTheFirstReturns(&intake, probe, "the third job was taken only once the first had finished")
            },
            execute: { await probe.run($0) })
        #expect(await probe.finished == [1, 2, 3])
    }

    @Test func heldJobsFinishAfterTheIntakeEnded() async {
        let probe = Probe()
        async let done = ParallelCommands.run(
            width: 4, capacity: 8,
            intake: { (intake: inout ParallelCommands.Intake<Int>) in
                for id in 1...3 { _ = await intake.submit(id, on: Self.issue1) }
            },
            execute: { await probe.run($0) })
        await probe.waitUntilStarted([1])
        for id in 1...3 { await probe.release(id) }
        _ = await done
        #expect(await probe.finished == [1, 2, 3], "the intake's end dropped nothing, and one target kept its order")
    }

    /// Commands one at a time, each on a target of its own: each wakes the scheduler once, to start it, and the
    /// intake's end once more; a command's release and its return, with nothing waiting, wake nobody (each wake
    /// hands work to another thread, issue #13).
    @Test func aCommandWithNothingWaitingWakesTheSchedulerOnlyToStart() async {
        let probe = Probe()
        let wakes = await ParallelCommands.run(
            width: 2, capacity: 8,
            intake: { (intake: inout ParallelCommands.Intake<Int>) in
                for id in 1...10 {
                    await probe.release(id)
                    #expect(await intake.submit(id, on: CommandTarget(repository: "ops/tc", number: id)))
                    await probe.waitUntilFinished([id])
                }
            },
            execute: { await probe.run($0) })
        #expect(await probe.finished == Array(1...10))
        #expect(wakes == 11, "10 starts and the intake's end, nothing for releases and returns")
    }

    /// A job that releases its target (the bot: once the Gate is done) lets the target's next job start while it
    /// still finishes (its answer); it keeps its place until it returns, so the intake still waits at capacity.
    @Test func aReleasedTargetTakesItsNextJobWhileTheFirstFinishes() async {
        let probe = Probe()
        await ParallelCommands.run(
            width: 1, capacity: 2,
            intake: { (intake: inout ParallelCommands.Intake<Int>) in
                #expect(await intake.submit(1, on: Self.issue1))
                #expect(await intake.submit(2, on: Self.issue1))
                await probe.waitUntilStarted([1, 2])
                #expect(await probe.finished.isEmpty, "2 started on issue 1 while 1, released, was still finishing")
                await Self.submitThirdOnceTheFirstReturns(&intake, probe, "both places were held until job 1 returned")
            },
            execute: { id, releaseTarget in await probe.run(id) { releaseTarget() } })
        #expect(await probe.started == [1, 2, 3])
    }
}
