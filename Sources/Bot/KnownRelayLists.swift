import NostrCore

/// What the bot knows of one person's relay lists: their DM inbox relays (kind 10050) and the read relays of their
/// NIP-65 list (kind 10002), each from the newest verified event seen, with when it was looked up.
public struct KnownRelayLists: Sendable, Equatable, Codable {
    public var inbox: [String]
    public var inboxCreatedAt: Int64?
    public var read: [String]
    public var relayListCreatedAt: Int64?
    /// When the relays were last asked (Unix seconds).
    public var fetchedAt: Int64

    public init(inbox: [String] = [], inboxCreatedAt: Int64? = nil, read: [String] = [], relayListCreatedAt: Int64? = nil, fetchedAt: Int64) {
        (self.inbox, self.inboxCreatedAt, self.read) = (inbox, inboxCreatedAt, read)
        (self.relayListCreatedAt, self.fetchedAt) = (relayListCreatedAt, fetchedAt)
    }

    /// `self` updated with the newest lists by `author` among `events` (verified), where they are newer than what is
    /// known; `usable` filters and normalizes URLs (only `ws`/`wss` addresses are kept).
    public func merging(_ events: [Event], author: String, fetchedAt: Int64, usable: (String) -> String?) -> KnownRelayLists {
        var merged = self
        merged.fetchedAt = fetchedAt
        if let list = RelayListEvent.newest(events, kind: RelayListEvent.inboxKind, author: author),
            list.createdAt > (inboxCreatedAt ?? -1)
        {
            merged.inbox = Self.distinct(RelayListEvent.inboxRelays(in: list).compactMap(usable))
            merged.inboxCreatedAt = list.createdAt
        }
        if let list = RelayListEvent.newest(events, kind: RelayListEvent.relayListKind, author: author),
            list.createdAt > (relayListCreatedAt ?? -1)
        {
            merged.read = Self.distinct(RelayListEvent.entries(in: list).filter(\.read).compactMap { usable($0.url) })
            merged.relayListCreatedAt = list.createdAt
        }
        return merged
    }

    private static func distinct(_ urls: [String]) -> [String] {
        var seen: Set<String> = []
        return urls.filter { seen.insert($0).inserted }
    }
}
