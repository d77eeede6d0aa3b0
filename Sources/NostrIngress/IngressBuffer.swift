import NIOConcurrencyHelpers
import NIOCore

/// A first-in, first-out buffer between the relays' readers and the inbox, bounded by elements and by bytes.
///
/// Readers put their events here and go on reading; the inbox takes them without a rendezvous per event (the pool's
/// hand-off used to be an `AsyncChannel`, where every event waited for the consumer). A reader waits once the buffer
/// holds ``Limits-swift.struct/events`` elements or ``Limits-swift.struct/bytes`` bytes; then TCP backpressure, and
/// the pool's catch-up (``BacklogWatch``, ``CatchUpPager``) for relays that drop live events for a slow reader, take
/// over. The standard limits are small on purpose: with 8,192 events the readers never waited in a burst of 6,000
/// DMs, so the watch saw nothing, while the relay still dropped events (a reader runs on the cooperative pool the
/// inbox keeps busy, and NIO stops reading a socket after a few unread frames): `bench e2e --load 6000` missed 24
/// to 505 answers in four runs, unnoticed (in one, 254 commands never reached the bot).
///
/// A sender's element is always taken (it never waits to put it in); the sender then waits until the consumer
/// brought the buffer back within its limits. So the buffer exceeds a limit by at most one element per sender
/// (one per relay connection). Cancelling a waiting sender ends its wait; its element stays. ``finish()`` wakes
/// everyone: what is buffered is still handed out, then iteration ends.
///
/// | limits (events, bytes) | buffered before | send of | sender           |
/// |------------------------|-----------------|---------|------------------|
/// | 4, 1,000               | 2 × 100 B       | 100 B   | goes on          |
/// | 4, 1,000               | 4 × 100 B       | 100 B   | waits (5 > 4)    |
/// | 4, 1,000               | 2 × 400 B       | 400 B   | waits (1,200 B)  |
/// | 4, 1,000               | empty           | 5,000 B | goes on (alone)  |
public final class IngressBuffer<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = Never

    /// How much the buffer holds before senders wait.
    public struct Limits: Sendable, Equatable {
        /// Elements buffered before a sender waits.
        public var events: Int
        /// Bytes (as the senders count them) buffered before a sender waits.
        public var bytes: Int

        /// 256 events or 4 MiB: readers read ahead of the inbox, and still wait soon enough in a long burst for
        /// ``BacklogWatch`` to see it.
        public static var standard: Limits { Limits(events: 256, bytes: 4 << 20) }

        public init(events: Int, bytes: Int) { (self.events, self.bytes) = (Swift.max(1, events), Swift.max(1, bytes)) }
    }

    private struct Waiter<Value> {
        let id: UInt64
        let continuation: CheckedContinuation<Value, Never>
    }

    private struct State {
        var buffered = CircularBuffer<(element: Element, bytes: Int)>()
        var bytes = 0
        var finished = false
        var consumers = CircularBuffer<Waiter<Element?>>()
        var senders = CircularBuffer<Waiter<Void>>()
        var nextID: UInt64 = 0
        var highWater = 0

        func isOver(_ limits: Limits) -> Bool { buffered.count > limits.events || bytes > limits.bytes }

        /// Whether a sender waits: over a limit, and not alone (one element larger than a limit passes).
        func holdsSenders(_ limits: Limits) -> Bool { isOver(limits) && buffered.count > 1 }

        /// The oldest element, and the waiting senders its removal lets go on.
        mutating func take(_ limits: Limits) -> (element: Element, released: [Waiter<Void>])? {
            guard let first = buffered.popFirst() else { return nil }
            bytes -= first.bytes
            var released: [Waiter<Void>] = []
            while !isOver(limits), let sender = senders.popFirst() { released.append(sender) }
            return (first.element, released)
        }

        mutating func makeID() -> UInt64 {
            nextID &+= 1
            return nextID
        }
    }

    public let limits: Limits
    private let state = NIOLockedValueBox(State())

    public init(limits: Limits = .standard) { self.limits = limits }

    /// Elements buffered now.
    public var count: Int { state.withLockedValue { $0.buffered.count } }

    /// The most elements buffered at once so far.
    public var highWater: Int { state.withLockedValue { $0.highWater } }

    /// Puts `element` in the buffer (or hands it straight to a waiting consumer), then waits while the buffer is
    /// over its limits. After ``finish()`` the element is dropped.
    /// - Parameter bytes: what the element costs against ``Limits-swift.struct/bytes``.
    public func send(_ element: Element, bytes: Int) async {
        let cost = Swift.max(0, bytes)
        let (consumer, full) = state.withLockedValue { state -> (CheckedContinuation<Element?, Never>?, Bool) in
            if state.finished { return (nil, false) }
            if let consumer = state.consumers.popFirst() { return (consumer.continuation, false) }
            state.buffered.append((element, cost))
            state.bytes += cost
            state.highWater = Swift.max(state.highWater, state.buffered.count)
            return (nil, state.holdsSenders(limits))
        }
        consumer?.resume(returning: element)
        if full { await waitForRoom() }
    }

    /// A sender's wait until the consumer brought the buffer back within its limits, ``finish()`` came, or the task
    /// was cancelled.
    private func waitForRoom() async {
        let id = state.withLockedValue { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked again under the lock (the consumer may have made room meanwhile); a cancellation after this
                // finds the waiter and ends its wait.
                let waits = state.withLockedValue { state -> Bool in
                    guard !state.finished, state.holdsSenders(limits), !Task.isCancelled else { return false }
                    state.senders.append(Waiter(id: id, continuation: continuation))
                    return true
                }
                if !waits { continuation.resume() }
            }
        } onCancel: {
            resumeSender(id)
        }
    }

    /// Ends the sequence: waiting senders go on, later sends are dropped, and iteration ends once the buffered
    /// elements are taken.
    public func finish() {
        let (consumers, senders) = state.withLockedValue { state in
            state.finished = true
            defer { (state.consumers, state.senders) = ([], []) }
            return (state.consumers, state.senders)
        }
        for consumer in consumers { consumer.continuation.resume(returning: nil) }
        for sender in senders { sender.continuation.resume() }
    }

    /// The next element: the oldest buffered one, or the next one sent; `nil` once finished and empty, or when the
    /// consuming task is cancelled.
    func next() async -> Element? {
        if let taken = state.withLockedValue({ $0.take(limits) }) { return handOut(taken) }
        return await waitForElement()
    }

    /// Lets the senders a taken element released go on; returns the element.
    private func handOut(_ taken: (element: Element, released: [Waiter<Void>])) -> Element {
        for sender in taken.released { sender.continuation.resume() }
        return taken.element
    }

    /// The consumer's wait for the next send, ``finish()``, or the task's cancellation.
    private func waitForElement() async -> Element? {
        let id = state.withLockedValue { $0.makeID() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                // An element may have come meanwhile: taken under the same lock that registers the waiter.
                let (taken, waits) = state.withLockedValue { state -> ((element: Element, released: [Waiter<Void>])?, Bool) in
                    if let taken = state.take(limits) { return (taken, false) }
                    if state.finished || Task.isCancelled { return (nil, false) }
                    state.consumers.append(Waiter(id: id, continuation: continuation))
                    return (nil, true)
                }
                if !waits { continuation.resume(returning: taken.map(handOut)) }
            }
        } onCancel: {
            resumeConsumer(id)
        }
    }

    private func resumeSender(_ id: UInt64) {
        let waiter = state.withLockedValue { state -> Waiter<Void>? in
            guard let index = state.senders.firstIndex(where: { $0.id == id }) else { return nil }
            return state.senders.remove(at: index)
        }
        waiter?.continuation.resume()
    }

    private func resumeConsumer(_ id: UInt64) {
        let waiter = state.withLockedValue { state -> Waiter<Element?>? in
            guard let index = state.consumers.firstIndex(where: { $0.id == id }) else { return nil }
            return state.consumers.remove(at: index)
        }
        waiter?.continuation.resume(returning: nil)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: IngressBuffer

        public mutating func next() async -> Element? { await buffer.next() }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Never) -> Element? { await buffer.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: self) }
}
