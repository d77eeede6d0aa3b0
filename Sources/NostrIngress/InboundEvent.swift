import Foundation
import NostrCore

/// An event as a relay delivered it: not yet verified.
public struct InboundEvent: Sendable {
    /// The relay it first came from.
    public let relay: String
    public let subscriptionID: String
    public let event: Event
    /// Wall-clock time of arrival.
    public let receivedAt: Date

    public init(relay: String, subscriptionID: String, event: Event, receivedAt: Date) {
        (self.relay, self.subscriptionID, self.event, self.receivedAt) = (relay, subscriptionID, event, receivedAt)
    }
}
