import Bot
import NIOConcurrencyHelpers
import Testing

/// The inbox's parallel stage: results come out in input order whatever order the workers finish in, work is
/// spread over the workers, and the consumer can stop early.
@Suite struct OrderedParallelMapTests {
    /// A Sendable record of which threads of work ran at once.
    final class Overlap: Sendable {
        private let state = NIOLockedValueBox((running: 0, peak: 0))
        func enter() {
            state.withLockedValue {
                $0.running += 1
                $0.peak = max($0.peak, $0.running)
            }
        }
        func leave() { state.withLockedValue { $0.running -= 1 } }
        var peak: Int { state.withLockedValue { $0.peak } }
    }

    static func stream(_ values: Range<Int>) -> AsyncStream<Int> {
        let (stream, feed) = AsyncStream.makeStream(of: Int.self)
        for value in values { feed.yield(value) }
        feed.finish()
        return stream
    }

    /// Busy work whose length varies with the input, so later elements often finish first.
    static func spin(_ value: Int) -> Int {
        var x = UInt64(value) &+ 1
        for _ in 0..<((value % 7) * 20_000) { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
        return value * 2 + Int(x & 0)
    }

    @Test(arguments: [1, 2, 3, 8])
    func deliversEveryResultInInputOrder(width: Int) async {
        let overlap = Overlap()
        let map = OrderedParallelMap(width: width) { (value: Int) -> Int in
            overlap.enter()
            defer { overlap.leave() }
            return Self.spin(value)
        }
        var results: [Int] = []
        await map.run(Self.stream(0..<500)) {
            results.append($0)
            return true
        }
        #expect(results == (0..<500).map { $0 * 2 })
        #expect(overlap.peak <= width)
    }

    @Test func stopsWhenTheConsumerSaysSo() async {
        let map = OrderedParallelMap(width: 2) { (value: Int) in value }
        var results: [Int] = []
        await map.run(Self.stream(0..<1000)) {
            results.append($0)
            return results.count < 10
        }
        #expect(results == Array(0..<10))
    }

    /// An endless input that counts what was taken from it.
    final class CountingInput: AsyncSequence, Sendable {
        let taken = NIOLockedValueBox(0)
        struct AsyncIterator: AsyncIteratorProtocol {
            let input: CountingInput
            mutating func next() async -> Int? {
                input.taken.withLockedValue {
                    $0 += 1
                    return $0 - 1
                }
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(input: self) }
    }

    /// A slow consumer holds the input back: the stage takes only a few elements per worker ahead of what was
    /// consumed, however much the input could give (the relay sockets then stay unread instead of memory growing).
    @Test(arguments: [1, 2, 4])
    func aSlowConsumerHoldsTheInputBack(width: Int) async throws {
        let input = CountingInput()
        let map = OrderedParallelMap(width: width) { (value: Int) in value }
        var consumed = 0
        var furthestAhead = 0
        await map.run(input) { value in
            #expect(value == consumed)
            consumed += 1
            try? await Task.sleep(for: .milliseconds(2))
            furthestAhead = max(furthestAhead, input.taken.withLockedValue { $0 } - consumed)
            return consumed < 100
        }
        #expect(consumed == 100)
        #expect(furthestAhead <= 2 * width + 2, "took \(furthestAhead) elements ahead of the consumer")
    }

    /// One worker runs the transform in the consumer's task: no element is taken from the input before the one
    /// before it was consumed (with hand-offs between tasks, the next is taken while the consumer works).
    @Test func oneWorkerTakesNothingAheadOfTheConsumer() async {
        let input = CountingInput()
        let map = OrderedParallelMap(width: 1) { (value: Int) in value * 3 }
        var consumed: [Int] = []
        var furthestAhead = 0
        await map.run(input) { value in
            consumed.append(value)
            await Task.yield()
            furthestAhead = max(furthestAhead, input.taken.withLockedValue { $0 } - consumed.count)
            return consumed.count < 200
        }
        #expect(consumed == (0..<200).map { $0 * 3 })
        #expect(furthestAhead == 0, "took \(furthestAhead) elements ahead of the consumer")
    }

    @Test func anEmptyInputEndsAtOnce() async {
        let map = OrderedParallelMap(width: 4) { (value: Int) in value }
        var count = 0
        await map.run(Self.stream(0..<0)) { _ in
            count += 1
            return true
        }
        #expect(count == 0)
        #expect(OrderedParallelMap(width: 0) { (value: Int) in value }.width == 1)
    }
}
