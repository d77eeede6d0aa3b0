import Dispatch
import Gate
import NIOConcurrencyHelpers
import NostrCore
import NostrIngress

/// The direct messages a client received from one sender, stamped on arrival, for `demo` and `operator-gate-bench`.
///
/// ``collect(_:decoder:from:)`` runs as a child task and files each decrypted message from the sender;
/// ``next(timeout:)`` waits for the next one without holding the stream's iterator, so a missing answer ends
/// in a timeout instead of a hang. A waiting ``next(timeout:)`` is resumed by the arrival itself: it used to look
/// every millisecond, a timer wakeup of the measuring process a thousand times a second while the bot it measures
/// shares the machine's cores. One taker at a time (a second waiting taker gets `nil` at once).
public final class AnswerMailbox: Sendable {
    /// A filed message: its text and its arrival in uptime nanoseconds.
    public typealias Item = (text: String, arrivedNanos: UInt64)

    private struct State {
        /// Filed and not taken: `items[head...]` (taken ones are dropped in halves, not one by one).
        var items: [Item] = []
        var head = 0
        var waiter: (token: UInt64, continuation: CheckedContinuation<Item?, Never>)?
        var nextToken: UInt64 = 0
        var notFiled = (undecodable: 0, otherSenders: 0)
        var filed = 0

        mutating func take() -> Item? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head == items.count {
                (items, head) = ([], 0)
            } else if head >= 1_024 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Events that did not decode as a DM to this client, and DMs from someone else: what was not filed.
    public var notFiled: (undecodable: Int, otherSenders: Int) { state.withLockedValue { $0.notFiled } }
    /// DMs from the sender filed so far, taken or not.
    public var filed: Int { state.withLockedValue { $0.filed } }

    /// Files every DM from `sender` arriving on `events` until the stream ends or the task is cancelled.
    public func collect<Events: AsyncSequence & Sendable>(_ events: Events, decoder: DirectMessageDecoder, from sender: PublicKey) async
    where Events.Element == InboundEvent, Events.Failure == Never {
        for await inbound in events {
            let arrived = DispatchTime.now().uptimeNanoseconds
            guard let message = try? decoder.decode(inbound.event) else {
                state.withLockedValue { $0.notFiled.undecodable += 1 }
                continue
            }
            guard message.sender == sender else {
                state.withLockedValue { $0.notFiled.otherSenders += 1 }
                continue
            }
            file((message.text, arrived))
        }
    }

    /// Hands `item` to the waiting taker, or keeps it.
    func file(_ item: Item) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Item?, Never>? in
            state.filed += 1
            guard let waiter = state.waiter else {
                state.items.append(item)
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: item)
    }

    /// The next DM (text and arrival time in uptime nanoseconds), or nil after `timeout` (or once the calling task
    /// is cancelled).
    public func next(timeout: Duration) async -> Item? {
        if let item = state.withLockedValue({ $0.take() }) { return item }
        return await withTaskGroup(of: Void.self) { group in
            let item = await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
                let token = state.withLockedValue { state -> UInt64? in
                    if let item = state.take() {
                        continuation.resume(returning: item)
                        return nil
                    }
                    guard state.waiter == nil else {
                        continuation.resume(returning: nil)  // one taker at a time
                        return nil
                    }
                    state.nextToken += 1
                    state.waiter = (state.nextToken, continuation)
                    return state.nextToken
                }
                guard let token else { return }
                // Ends the wait at the timeout, or at once when the taker is cancelled; after an arrival (the
                // group cancels it then) the token no longer matches and it changes nothing. A cancelled
                // `CancellableSleep` removes its timer (`Task.sleep`'s would still fire at the deadline).
                group.addTask {
                    await CancellableSleep.sleep(for: timeout)
                    self.expire(token)
                }
            }
            group.cancelAll()
            return item
        }
    }

    /// Ends the wait registered as `token` with nothing, if it is still waiting.
    private func expire(_ token: UInt64) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Item?, Never>? in
            guard let waiter = state.waiter, waiter.token == token else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: nil)
    }
}
