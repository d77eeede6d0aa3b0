import NostrCore
import NostrIngress

/// What the bot tells the network about itself: its kind-0 profile, its DM inbox relays (kind 10050) and its relay
/// list (kind 10002, exactly the relays of `relays.json` with their read/write roles).
///
/// Pure: ``outdated(existing:author:now:)`` compares with the newest copy of each kind the relays hold and returns
/// only the events to publish again, dated after what they replace (a replaceable event with an older or equal
/// `created_at` would lose). A restart without a configuration change publishes nothing.
public struct BotAnnouncement: Sendable, Equatable {
    public let profile: BotProfile
    public let inboxRelays: [String]
    public let relayList: [RelayListEvent.Entry]

    public init(reachability: BotReachability, relays: RelayList) {
        profile = reachability.profile
        inboxRelays = reachability.inboxRelays(relays)
        relayList = relays.relays.map { RelayListEvent.Entry(url: $0.url, read: $0.read, write: $0.write) }
    }

    /// The three events as they should be, dated `createdAt`: kind 0, 10050, 10002.
    public func templates(createdAt: Int64) -> [EventTemplate] {
        [
            profile.template(createdAt: createdAt), RelayListEvent.inbox(relays: inboxRelays, createdAt: createdAt),
            RelayListEvent.relayList(relayList, createdAt: createdAt)
        ]
    }

    /// The kinds this announcement consists of, for the query of what relays hold.
    public static let kinds = [BotProfile.kind, RelayListEvent.inboxKind, RelayListEvent.relayListKind]

    /// The templates whose content or tags differ from the newest verified event of their kind by `author` in
    /// `existing` (or that have none), each dated `max(now, newest + 1)`.
    public func outdated(existing: [Event], author: String, now: Int64) -> [EventTemplate] {
        templates(createdAt: now).compactMap { wanted in
            guard let newest = RelayListEvent.newest(existing, kind: wanted.kind, author: author) else { return wanted }
            if newest.content == wanted.content && newest.tags == wanted.tags { return nil }
            var dated = wanted
            dated.createdAt = max(now, newest.createdAt &+ 1)
            return dated
        }
    }

    /// Which relays lack the current event of each kind, given what each relay holds (in the order given).
    public func lacking(held: [(relay: String, events: [Event])], author: String) -> [Int: [String]] {
        var lacking: [Int: [String]] = [:]
        for (relay, events) in held {
            for template in outdated(existing: events, author: author, now: 0) { lacking[template.kind, default: []].append(relay) }
        }
        return lacking
    }
}
