import Dispatch
import NostrCore
import NostrIngress

/// The direct messages a client received from one sender, stamped on arrival, for `demo` and `operator-gate-bench pipeline`.
///
/// ``collect(_:decoder:from:)`` runs as a child task and files each decrypted message from the sender;
/// ``next(timeout:)`` waits for the next one without holding the stream's iterator, so a missing answer ends
/// in a timeout instead of a hang.
public actor AnswerMailbox {
    public init() {}

    private var items: [(text: String, arrivedNanos: UInt64)] = []
    /// Events that did not decode as a DM to this client, and DMs from someone else: what was not filed.
    public private(set) var notFiled = (undecodable: 0, otherSenders: 0)
    /// DMs from the sender filed so far, taken or not.
    public private(set) var filed = 0

    /// Files every DM from `sender` arriving on `events` until the stream ends or the task is cancelled.
    public func collect<Events: AsyncSequence & Sendable>(_ events: Events, decoder: DirectMessageDecoder, from sender: PublicKey) async
    where Events.Element == InboundEvent, Events.Failure == Never {
        for await inbound in events {
            let arrived = DispatchTime.now().uptimeNanoseconds
            guard let message = try? decoder.decode(inbound.event) else {
                notFiled.undecodable += 1
                continue
            }
            guard message.sender == sender else {
                notFiled.otherSenders += 1
                continue
            }
            items.append((message.text, arrived))
            filed += 1
        }
    }

    private func take() -> (text: String, arrivedNanos: UInt64)? { items.isEmpty ? nil : items.removeFirst() }

    /// The next DM (text and arrival time in uptime nanoseconds), or nil after `timeout`.
    public nonisolated func next(timeout: Duration) async -> (text: String, arrivedNanos: UInt64)? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let item = await take() { return item }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return await take()
    }
}
