import Bot
import Foundation
import Testing

/// What ``ParallelCommands`` keeps of a command once it ran: nothing. The bot runs for months, so a few hundred bytes
/// kept per command would be an unbounded leak (it was one: finished tasks stayed in the task group, issue #13).
@Suite struct ParallelCommandsMemoryTests {
    /// This test process's resident memory in MB (``BotHarness/memory(ofProcess:)``). Freed heap memory mostly stays
    /// resident, so this only grows: what it measures is the most the run ever held.
    static func residentMB() -> Double? { BotHarness.memory(ofProcess: "self")?.now }

    /// 20,000 trivial commands on 20,000 targets through a run that stays open: resident memory grows by less than
    /// 4 MB (kept finished tasks grew it by about 26 MB).
    @Test(.enabled(if: residentMB() != nil, "needs /proc/self/status"))
    func finishedCommandsAreNotKept() async {
        let count = 20_000
        var growth = 0.0
        await ParallelCommands.run(
            width: 4, capacity: 16,
            intake: { (intake: inout ParallelCommands.Intake<Int>) in
                // A first round so that lazily made structures (lanes, stream buffers) exist before the baseline.
                for job in 0..<1000 { _ = await intake.submit(job, on: CommandTarget(repository: "ops/warm", number: job + 1)) }
                try? await Task.sleep(for: .milliseconds(200))
                let before = Self.residentMB() ?? 0
                for job in 0..<count { _ = await intake.submit(job, on: CommandTarget(repository: "ops/tc", number: job + 1)) }
                try? await Task.sleep(for: .milliseconds(200))
                growth = (Self.residentMB() ?? 0) - before
            },
            execute: { _ in await Task.yield() })
        #expect(growth < 4, "resident memory grew by \(growth) MB over \(count) finished commands")
    }
}
