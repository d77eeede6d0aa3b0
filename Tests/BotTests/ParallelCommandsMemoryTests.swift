import Bot
import Foundation
import Testing

/// What ``ParallelCommands`` keeps of a command once it ran: nothing. The bot runs for months, so a few hundred bytes
/// kept per command would be an unbounded leak (it was one: finished tasks stayed in the task group, issue #13).
@Suite struct ParallelCommandsMemoryTests {
    /// The process's resident memory in bytes (Linux's /proc/self/statm; 0 where there is none). Freed heap memory
    /// mostly stays resident, so this only grows: what it measures is the most the run ever held.
    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// 20,000 trivial commands on 20,000 targets through a run that stays open: resident memory grows by less than
    /// 4 MB (kept finished tasks grew it by about 20 MB).
    @Test(.enabled(if: residentBytes() > 0, "needs /proc/self/statm"))
    func finishedCommandsAreNotKept() async {
        let count = 20_000
        var growth = 0
        await ParallelCommands.run(
            width: 4, capacity: 16,
            intake: { (intake: inout ParallelCommands.Intake<Int>) in
                // A first round so that lazily made structures (lanes, stream buffers) exist before the baseline.
                for job in 0..<1000 { _ = await intake.submit(job, on: CommandTarget(repository: "ops/warm", number: job + 1)) }
                try? await Task.sleep(for: .milliseconds(200))
                let before = Self.residentBytes()
                for job in 0..<count { _ = await intake.submit(job, on: CommandTarget(repository: "ops/tc", number: job + 1)) }
                try? await Task.sleep(for: .milliseconds(200))
                growth = Self.residentBytes() - before
            },
            execute: { _ in await Task.yield() })
        #expect(growth < 4 << 20, "resident memory grew by \(growth) bytes over \(count) finished commands")
    }
}
