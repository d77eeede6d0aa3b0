import AsyncAlgorithms

/// Applies a pure, synchronous transform to a stream's elements on `width` child tasks at once and hands the
/// results on one at a time, in input order.
///
/// Element *n* goes to worker *n mod width*, and results are taken from the workers in the same rotation, so
/// order needs no buffer or sequence numbers:
///
///     input      e0  e1  e2  e3  e4          width 2
///     worker 0   e0      e2      e4          consumer: r0 (w0), r1 (w1), r2 (w0), r3 (w1), r4 (w0),
///     worker 1       e1      e3              then w1 ends: the input is over
///
/// Every hand-off is an `AsyncChannel` (the sender waits for the receiver), so the stage never runs ahead: at most
/// about two elements per worker are taken from the input before the consumer has taken their results. When the
/// consumer is slow, the input is not read, and upstream waits (for the inbox: relay frames stay in the sockets).
///
/// With a width of 1 there is nothing to run beside the consumer: each element is transformed and consumed in the
/// caller's task, one after the other, without hand-offs (each hand-off wakes a thread; on one core they cost
/// more than the transform's parse and id hash).
///
/// Used for the inbox: verifying and decrypting (``InboxPipeline/prepare(_:)``) runs on every core, while
/// admission and execution stay sequential (an operator's "close" then "reopen" must not swap).
public struct OrderedParallelMap<Input: Sendable, Output: Sendable>: Sendable {
    /// How many elements are transformed at once (at least 1).
    public let width: Int
    private let transform: @Sendable (Input) -> Output

    public init(width: Int, transform: @escaping @Sendable (Input) -> Output) {
        self.width = max(1, width)
        self.transform = transform
    }

    /// Runs until `input` ends (every result delivered) or `consume` returns `false` (results not yet consumed
    /// are discarded; their inputs were taken from `input`).
    public func run<Source: AsyncSequence & Sendable>(_ input: Source, consume: (Output) async -> Bool) async
    where Source.Element == Input {
        let width = self.width
        let transform = self.transform
        if width == 1 { return await Self.runInline(input, transform, consume) }
        await withTaskGroup(of: Void.self) { group in
            var inboxes: [AsyncChannel<Input>] = []
            var outputs: [AsyncChannel<Output>.AsyncIterator] = []
            for _ in 0..<width {
                let inbox = AsyncChannel<Input>()
                let results = AsyncChannel<Output>()
                inboxes.append(inbox)
                outputs.append(results.makeAsyncIterator())
                group.addTask {
                    for await element in inbox { await results.send(transform(element)) }
                    results.finish()
                }
            }
            let feeds = inboxes
            group.addTask {
                var next = 0
                do {
                    for try await element in input {
                        // Stopped (the consumer is done): an input that ignores cancellation must not keep us here.
                        if Task.isCancelled { break }
                        await feeds[next].send(element)
                        next = (next + 1) % width
                    }
                } catch {}
                for feed in feeds { feed.finish() }
            }
            var next = 0
            while true {
                var iterator = outputs[next]
                guard let output = await iterator.next() else { break }
                outputs[next] = iterator
                next = (next + 1) % width
                guard await consume(output) else { break }
            }
            for feed in inboxes { feed.finish() }
            group.cancelAll()
        }
    }

    private static func runInline<Source: AsyncSequence & Sendable>(
        _ input: Source, _ transform: (Input) -> Output, _ consume: (Output) async -> Bool
    ) async where Source.Element == Input {
        do {
            for try await element in input {
                guard await consume(transform(element)) else { return }
            }
        } catch {}
    }
}
