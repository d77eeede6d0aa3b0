import Bot
import TestSupport
import Testing

/// ``CommandLanes`` driven by plain values: its worked table step by step, then random arrivals and completions
/// checked against the rules (width, one command per target at a time, arrival order per target, nothing lost).
@Suite struct CommandLanesTests {
    static let a = CommandTarget(repository: "Ops/TC", number: 1)
    static let b = CommandTarget(repository: "ops/tc", number: 2)
    static let c = CommandTarget(repository: "ops/other", number: nil)

    @Test func theWorkedTable() {
        var lanes = CommandLanes<String>(width: 2)
        #expect(lanes.arrive("a1", on: Self.a) == ["a1"])
        #expect(lanes.arrive("b1", on: Self.b) == ["b1"])
        #expect(lanes.arrive("a2", on: Self.a) == [], "behind a1 on its issue")
        #expect(lanes.arrive("c1", on: Self.c) == [], "two run already")
        #expect(lanes.running == 2 && lanes.held == 4)
        #expect(lanes.finish("b1") == ["c1"])
        #expect(lanes.finish("a1") == ["a2"])
        #expect(lanes.finish("c1") == [])
        #expect(lanes.finish("a2") == [])
        #expect(lanes.running == 0 && lanes.held == 0)
    }

    @Test func repositoryNamesCompareWithoutCaseAndNumbersSeparateTargets() {
        #expect(CommandTarget(repository: "Ops/TC", number: 1) == CommandTarget(repository: "ops/tc", number: 1))
        #expect(CommandTarget(repository: "ops/tc", number: 1) != CommandTarget(repository: "ops/tc", number: nil))
        var lanes = CommandLanes<Int>(width: 16)
        #expect(lanes.arrive(1, on: CommandTarget(repository: "Ops/TC", number: 1)) == [1])
        #expect(lanes.arrive(2, on: CommandTarget(repository: "ops/tc", number: 1)) == [], "the same issue")
        #expect(lanes.arrive(3, on: CommandTarget(repository: "ops/tc", number: nil)) == [3], "the repository is another target")
    }

    /// 200 seeded runs of random arrivals (over 5 targets) and completions of random running commands.
    @Test(arguments: 0..<200) func randomRunsKeepTheRules(seed: UInt64) {
        var rng = SeededGenerator(state: seed)
        let width = Int.random(in: 1...4, using: &rng)
        var lanes = CommandLanes<Int>(width: width)
        var targetOf: [Int: Int] = [:]
        var running: [Int] = []
        var started: [Int] = []
        var arrived = 0
        let total = 40
        func record(_ ids: [Int]) {
            for id in ids {
                #expect(!running.contains { targetOf[$0] == targetOf[id] }, "two commands on one target at once")
                running.append(id)
                started.append(id)
            }
            #expect(running.count <= width && lanes.running == running.count)
        }
        while arrived < total || !running.isEmpty {
            if arrived < total && (running.isEmpty || Bool.random(using: &rng)) {
                let target = Int.random(in: 0..<5, using: &rng)
                targetOf[arrived] = target
                record(lanes.arrive(arrived, on: CommandTarget(repository: "ops/tc", number: target)))
                arrived += 1
            } else {
                let id = running.remove(at: Int.random(in: 0..<running.count, using: &rng))
                record(lanes.finish(id))
            }
        }
        #expect(lanes.held == 0 && Set(started) == Set(0..<total), "every command started once")
        for target in 0..<5 {
            let order = started.filter { targetOf[$0] == target }
            #expect(order == order.sorted(), "target \(target) kept arrival order")
        }
    }
}
