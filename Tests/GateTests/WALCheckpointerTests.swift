import Testing

@testable import Gate

/// ``WALCheckpointer/decide(writes:beforeWait:atCheckpoint:maxWrites:)``: a checkpoint when the writer pauses or
/// the log grew by `maxWrites` writes, another wait while writes keep coming, nothing when nothing is new.
@Suite struct WALCheckpointerTests {
    @Test(arguments: [
        // writes, beforeWait, atCheckpoint, maxWrites, decision
        (7, 7, 0, 500, WALCheckpointer.Decision.checkpoint(afterPause: true)),  // a pause after writes
        (9, 7, 0, 500, .waitAgain),  // writes during the wait
        (500, 480, 0, 500, .checkpoint(afterPause: false)),  // no pause, but the log is long
        (999, 990, 500, 500, .waitAgain),  // counted from the last checkpoint, not from the start
        (1000, 990, 500, 500, .checkpoint(afterPause: false)),
        (7, 7, 7, 500, .nothingNew),  // woken by a write the last checkpoint already covered
        (8, 7, 7, 1, .checkpoint(afterPause: false))  // maxWrites 1: every wait that saw a write ends in a checkpoint
    ])
    func decides(writes: Int, beforeWait: Int, atCheckpoint: Int, maxWrites: Int, expected: WALCheckpointer.Decision) {
        #expect(WALCheckpointer.decide(writes: writes, beforeWait: beforeWait, atCheckpoint: atCheckpoint, maxWrites: maxWrites) == expected)
    }

    /// A steady stream of writes, one every 10 ms with a quiet time of 40 ms, played through the rule as `run` plays
    /// it: checkpoints come once per `maxWrites` writes, and once more after the stream stops.
    @Test func aSteadyStreamIsCheckpointedByCount() {
        var (writes, atCheckpoint, beforeWait, checkpoints) = (0, 0, 0, [Int]())
        for _ in 0..<40 {  // 40 waits of 40 ms: 4 writes during each while the stream lasts (23 waits, 92 writes)
            if writes < 90 { writes += 4 }
            switch WALCheckpointer.decide(writes: writes, beforeWait: beforeWait, atCheckpoint: atCheckpoint, maxWrites: 20) {
            case .waitAgain: beforeWait = writes
            case .checkpoint:
                (atCheckpoint, beforeWait) = (writes, writes)
                checkpoints.append(writes)
            case .nothingNew: beforeWait = writes
            }
        }
        #expect(checkpoints == [20, 40, 60, 80, 92])
    }
}
