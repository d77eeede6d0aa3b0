/// Where an answer goes so that its recipient's client reads it, and which relays must accept it before it counts
/// as delivered.
///
/// Pure. Clients read NIP-17 messages only on their user's DM inbox relays (kind 10050), and NIP-04 ones on the
/// read relays of the user's NIP-65 list (kind 10002). Every answer also goes to the bot's write relays, but when
/// the recipient has lists, only their relays' OKs count. The worked table (`w` = the bot's write relays):
///
/// | scheme | `operators[].relays` | 10050 | 10002 read | ``relays`` | ``source``  |
/// |--------|---------------------|-------|------------|------------|-------------|
/// | NIP-17 | `[c]`               | any   | any        | `[c]`      | configured  |
/// | NIP-17 | –                   | `[i]` | any        | `[i]`      | inboxList   |
/// | NIP-17 | –                   | –     | `[r]`      | `[r]`      | readRelays  |
/// | NIP-17 | –                   | –     | –          | `w`        | writeRelays |
/// | NIP-04 | `[c]`               | any   | any        | `[c]`      | configured  |
/// | NIP-04 | –                   | any   | `[r]`      | `[r]`      | readRelays  |
/// | NIP-04 | –                   | `[i]` | –          | `w`        | writeRelays |
public struct DeliveryRoute: Sendable, Equatable {
    /// Which knowledge chose the relays.
    public enum Source: String, Sendable, Equatable {
        /// `operators[].relays` in the configuration.
        case configured
        /// The recipient's kind-10050 list.
        case inboxList
        /// The read relays of the recipient's kind-10002 list.
        case readRelays
        /// Nothing known: the bot's own write relays.
        case writeRelays
    }

    /// How the answer is encrypted, which decides the list a client reads it from.
    public enum Scheme: Sendable, Equatable {
        case nip04
        case nip17
    }

    /// The relays whose OK makes the answer delivered.
    public let relays: [String]
    public let source: Source

    public init(relays: [String], source: Source) { (self.relays, self.source) = (relays, source) }

    /// The route for one answer; see the table above.
    public static func plan(scheme: Scheme, configured: [String]?, lists: KnownRelayLists?, botWriteRelays: [String]) -> DeliveryRoute {
        if let configured, !configured.isEmpty { return DeliveryRoute(relays: configured, source: .configured) }
        if scheme == .nip17, let inbox = lists?.inbox, !inbox.isEmpty { return DeliveryRoute(relays: inbox, source: .inboxList) }
        if let read = lists?.read, !read.isEmpty { return DeliveryRoute(relays: read, source: .readRelays) }
        return DeliveryRoute(relays: botWriteRelays, source: .writeRelays)
    }
}
