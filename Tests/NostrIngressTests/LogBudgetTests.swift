import Testing

@testable import NostrIngress

@Suite struct LogBudgetTests {
    let t0 = ContinuousClock.now

    @Test func aBurstThenOneLinePerIntervalWithTheSuppressedCount() {
        var budget = LogBudget(burst: 5, interval: .seconds(10))
        let first = (0..<900).map { _ in budget.ask(now: t0) }
        #expect(first.prefix(5).allSatisfy { $0 == .write(suppressed: 0) })
        #expect(first.dropFirst(5).allSatisfy { $0 == .suppress })
        #expect(budget.ask(now: t0 + .seconds(9)) == .suppress)
        #expect(budget.ask(now: t0 + .seconds(10)) == .write(suppressed: 896))
        #expect(budget.ask(now: t0 + .seconds(10)) == .suppress)
        // A long quiet spell refills the burst, not more.
        #expect(budget.ask(now: t0 + .seconds(1000)) == .write(suppressed: 1))
        let after = (0..<10).map { _ in budget.ask(now: t0 + .seconds(1000)) }
        #expect(after.filter { $0 != .suppress }.count == 4)
    }
}
