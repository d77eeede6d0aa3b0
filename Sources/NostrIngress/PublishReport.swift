import NostrCore

/// The outcome of publishing one event to every write relay.
public struct PublishReport: Sendable, Equatable {
    public let eventID: String
    /// Final verdict per relay URL.
    public let outcomes: [String: PublishOutcome]
    /// Rounds it took (1 when the first try settled it).
    public let attempts: Int

    /// Relays that stored the event, sorted.
    public var accepted: [String] { outcomes.filter { $0.value.isAccepted }.keys.sorted() }
    /// Relays that did not, with why.
    public var rejected: [String: String] { outcomes.filter { !$0.value.isAccepted }.mapValues(\.description) }
    /// At least one relay stored it.
    public var succeeded: Bool { !accepted.isEmpty }
}
