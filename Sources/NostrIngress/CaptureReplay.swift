import Foundation
import NostrCore

/// Feeds a capture through the same parsing and cross-relay deduplication as live relays, so replayed traffic
/// reaches the inbox exactly as it did (or would have) live.
public struct CaptureReplay: Sendable {
    /// What replaying found, besides the events.
    public struct Summary: Sendable, Equatable {
        public var frames = 0
        public var events = 0
        public var duplicates = 0
        public var malformed = 0
        public var other = 0
    }

    public let frames: [CapturedFrame]

    public init(frames: [CapturedFrame]) { self.frames = frames }

    /// The inbound events in capture order, each id once, and what was skipped.
    public func events() -> (events: [InboundEvent], summary: Summary) {
        var summary = Summary()
        var seen = BoundedSet<String>(capacity: max(1, frames.count))
        var events: [InboundEvent] = []
        for frame in frames {
            summary.frames += 1
            let message: RelayMessage
            do { message = try RelayMessage.parse(frame.frame) } catch {
                summary.malformed += 1
                continue
            }
            guard case .event(let subscriptionID, let event) = message else {
                summary.other += 1
                continue
            }
            guard seen.insert(event.id) else {
                summary.duplicates += 1
                continue
            }
            summary.events += 1
            events.append(
                InboundEvent(
                    relay: frame.relay, subscriptionID: subscriptionID, event: event,
                    receivedAt: Date(timeIntervalSince1970: frame.receivedAt)))
        }
        return (events, summary)
    }
}
