import Testing

@testable import Gate

/// ``WALCheckpointer/decide(commits:beforeWait:atCheckpoint:maxCommits:)``: a checkpoint when the writer pauses or
/// the log grew by `maxCommits` commits, another wait while commits keep coming, nothing when nothing is new.
@Suite struct WALCheckpointerTests {
    @Test(arguments: [
        // commits, beforeWait, atCheckpoint, maxCommits, decision
        (7, 7, 0, 500, WALCheckpointer.Decision.checkpoint),  // a pause after commits
        (9, 7, 0, 500, .waitAgain),  // commits during the wait
        (500, 480, 0, 500, .checkpoint),  // no pause, but the log is long
        (999, 990, 500, 500, .waitAgain),  // counted from the last checkpoint, not from the start
        (1000, 990, 500, 500, .checkpoint),
        (7, 7, 7, 500, .nothingNew),  // woken by a commit the last checkpoint already covered
        (8, 7, 7, 1, .checkpoint)  // maxCommits 1: every wait that saw a commit ends in a checkpoint
    ])
    func decides(commits: Int, beforeWait: Int, atCheckpoint: Int, maxCommits: Int, expected: WALCheckpointer.Decision) {
        #expect(WALCheckpointer.decide(commits: commits, beforeWait: beforeWait, atCheckpoint: atCheckpoint, maxCommits: maxCommits) == expected)
    }

    /// A steady stream of commits, one every 10 ms with a quiet time of 40 ms, played through the rule as `run` plays
    /// it: checkpoints come once per `maxCommits` commits, and once more after the stream stops.
    @Test func aSteadyStreamIsCheckpointedByCount() {
        var (commits, atCheckpoint, beforeWait, checkpoints) = (0, 0, 0, [Int]())
        for _ in 0..<40 {  // 40 waits of 40 ms: 4 commits during each while the stream lasts (23 waits, 92 commits)
            if commits < 90 { commits += 4 }
            switch WALCheckpointer.decide(commits: commits, beforeWait: beforeWait, atCheckpoint: atCheckpoint, maxCommits: 20) {
            case .waitAgain: beforeWait = commits
            case .checkpoint:
                (atCheckpoint, beforeWait) = (commits, commits)
                checkpoints.append(commits)
            case .nothingNew: beforeWait = commits
            }
        }
        #expect(checkpoints == [20, 40, 60, 80, 92])
    }
}
