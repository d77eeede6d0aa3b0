import NIOConcurrencyHelpers
import Testing

@testable import NostrIngress

/// The buffer between the relays' readers and the inbox, driven with plain values.
@Suite struct IngressBufferTests {
    typealias Buffer = IngressBuffer<Int>

    /// Sends `value` in a child task and records when the send returned.
    final class Sender: Sendable {
        let returned = NIOLockedValueBox(false)
        let task: Task<Void, Never>

        init(_ buffer: Buffer, _ value: Int, bytes: Int = 1) {
            let returned = self.returned
            task = Task {
                await buffer.send(value, bytes: bytes)
                returned.withLockedValue { $0 = true }
            }
        }

        var hasReturned: Bool { returned.withLockedValue { $0 } }
    }

    /// Waits (at most 5 s) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        let end = ContinuousClock.now + .seconds(5)
        while !condition() && ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(2)) }
        return condition()
    }

    /// A send that should wait: it put its element in (the count shows it) and, 100 ms later, still has not returned.
    static func waits(_ sender: Sender, in buffer: Buffer, count: Int) async -> Bool {
        guard await eventually({ buffer.count == count }) else { return false }
        try? await Task.sleep(for: .milliseconds(100))
        return !sender.hasReturned
    }

    static func first(of buffer: Buffer) async -> Int? {
        var iterator = buffer.makeAsyncIterator()
        return await iterator.next()
    }

    @Test func elementsComeOutInOrderAndIterationEndsAfterFinishOnceDrained() async {
        let buffer = Buffer(limits: .init(events: 10, bytes: 1_000))
        for value in 1...3 { await buffer.send(value, bytes: 10) }
        buffer.finish()
        await buffer.send(4, bytes: 10)  // after finish: dropped
        var taken: [Int] = []
        for await value in buffer { taken.append(value) }
        #expect(taken == [1, 2, 3])
    }

    @Test func aSenderOverTheEventLimitWaitsUntilTheConsumerTakesOne() async {
        let buffer = Buffer(limits: .init(events: 2, bytes: 1_000))
        await buffer.send(1, bytes: 1)
        await buffer.send(2, bytes: 1)
        let third = Sender(buffer, 3)
        #expect(await Self.waits(third, in: buffer, count: 3))
        var iterator = buffer.makeAsyncIterator()
        #expect(await iterator.next() == 1)
        #expect(await Self.eventually { third.hasReturned })
        #expect(await iterator.next() == 2)
        #expect(await iterator.next() == 3)
        #expect(buffer.highWater == 3)
    }

    @Test func aSenderOverTheByteLimitWaitsUntilTheBytesAreTaken() async {
        let buffer = Buffer(limits: .init(events: 100, bytes: 1_000))
        await buffer.send(1, bytes: 400)
        await buffer.send(2, bytes: 400)
        let third = Sender(buffer, 3, bytes: 400)
        #expect(await Self.waits(third, in: buffer, count: 3))
        var iterator = buffer.makeAsyncIterator()
        #expect(await iterator.next() == 1)  // 800 bytes left: within the limit
        #expect(await Self.eventually { third.hasReturned })
    }

    @Test func oneElementLargerThanTheByteLimitPassesWhenAlone() async {
        let buffer = Buffer(limits: .init(events: 4, bytes: 100))
        await buffer.send(1, bytes: 5_000)  // returns: nothing else is buffered
        let second = Sender(buffer, 2, bytes: 1)
        #expect(await Self.waits(second, in: buffer, count: 2))
        var iterator = buffer.makeAsyncIterator()
        #expect(await iterator.next() == 1)
        #expect(await Self.eventually { second.hasReturned })
        #expect(await iterator.next() == 2)
    }

    @Test func aCancelledSenderStopsWaitingAndItsElementStays() async {
        let buffer = Buffer(limits: .init(events: 1, bytes: 1_000))
        await buffer.send(1, bytes: 1)
        let second = Sender(buffer, 2)
        #expect(await Self.waits(second, in: buffer, count: 2))
        second.task.cancel()
        #expect(await Self.eventually { second.hasReturned })
        buffer.finish()
        var taken: [Int] = []
        for await value in buffer { taken.append(value) }
        #expect(taken == [1, 2])
    }

    @Test func aWaitingConsumerGetsTheNextSendAndACancelledOneGetsNil() async {
        let buffer = Buffer(limits: .init(events: 4, bytes: 1_000))
        let consumer = Task { await Self.first(of: buffer) }
        try? await Task.sleep(for: .milliseconds(50))
        await buffer.send(7, bytes: 1)
        #expect(await consumer.value == 7)
        #expect(buffer.count == 0)

        let cancelled = Task { await Self.first(of: buffer) }
        try? await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        await buffer.send(8, bytes: 1)  // buffered for the next consumer, not lost to the cancelled one
        #expect(buffer.count == 1)
    }

    @Test func finishWakesWaitingSendersAndConsumers() async {
        let buffer = Buffer(limits: .init(events: 1, bytes: 1_000))
        await buffer.send(1, bytes: 1)
        let second = Sender(buffer, 2)
        #expect(await Self.waits(second, in: buffer, count: 2))
        buffer.finish()
        #expect(await Self.eventually { second.hasReturned })

        let empty = Buffer(limits: .init(events: 1, bytes: 1_000))
        let consumer = Task { await Self.first(of: empty) }
        try? await Task.sleep(for: .milliseconds(50))
        empty.finish()
        #expect(await consumer.value == nil)
    }

    @Test func limitsAreAtLeastOne() {
        #expect(Buffer.Limits(events: 0, bytes: -5) == .init(events: 1, bytes: 1))
    }
}

extension IngressBufferTests {
    /// Four senders against one consumer, with limits small enough that senders keep waiting: every element comes
    /// out exactly once, each sender's in its order.
    @Test(arguments: [Buffer.Limits(events: 4, bytes: 1_000), Buffer.Limits(events: 10_000, bytes: 1 << 30)])
    func concurrentSendersLoseNothing(limits: Buffer.Limits) async {
        let buffer = Buffer(limits: limits)
        let perSender = 20_000
        let taken = await withTaskGroup(of: [Int]?.self) { group in
            group.addTask {
                var taken: [Int] = []
                for await value in buffer { taken.append(value) }
                return taken
            }
            for sender in 0..<4 {
                group.addTask {
                    for index in 0..<perSender { await buffer.send(sender * perSender + index, bytes: 10) }
                    return nil
                }
            }
            var senders = 0
            var taken: [Int] = []
            while let result = await group.next() {
                if let result { taken = result } else { senders += 1 }
                if senders == 4 { buffer.finish() }
            }
            return taken
        }
        #expect(taken.count == 4 * perSender)
        #expect(Set(taken).count == 4 * perSender)
        for sender in 0..<4 {
            let mine = taken.filter { $0 / perSender == sender }
            #expect(mine == mine.sorted())
        }
    }
}
