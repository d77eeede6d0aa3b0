/// The two relay lists a Nostr user publishes, built and read as events: the DM inbox relays (kind 10050, NIP-17,
/// `["relay", url]` tags) and the general relay list (kind 10002, NIP-65, `["r", url]` with an optional `read` or
/// `write` marker).
///
/// Reading is for events from anyone: at most ``maximumRelays`` URLs of at most ``maximumURLBytes`` bytes each are
/// taken, in order, duplicates dropped; whether a URL is a usable `ws`/`wss` address is the caller's check.
public enum RelayListEvent {
    /// Kind 10050: where the user reads NIP-17 messages.
    public static let inboxKind = 10050
    /// Kind 10002: NIP-65 relay list metadata.
    public static let relayListKind = 10002
    /// URLs taken from one list; real lists hold 1–10.
    public static let maximumRelays = 16
    /// Longest URL taken from a list.
    public static let maximumURLBytes = 512

    /// One NIP-65 entry.
    public struct Entry: Hashable, Sendable {
        public var url: String
        public var read: Bool
        public var write: Bool
        public init(url: String, read: Bool, write: Bool) { (self.url, self.read, self.write) = (url, read, write) }
    }

    /// A kind-10050 event to sign: one `["relay", url]` tag per URL.
    public static func inbox(relays: [String], createdAt: Int64) -> EventTemplate {
        EventTemplate(kind: inboxKind, content: "", tags: relays.map { ["relay", $0] }, createdAt: createdAt)
    }

    /// A kind-10002 event to sign: `["r", url]` for read-and-write, else with the `read` or `write` marker.
    /// Entries that are neither read nor write are left out.
    public static func relayList(_ entries: [Entry], createdAt: Int64) -> EventTemplate {
        let tags: [[String]] = entries.compactMap { entry in
            switch (entry.read, entry.write) {
            case (true, true): return ["r", entry.url]
            case (true, false): return ["r", entry.url, "read"]
            case (false, true): return ["r", entry.url, "write"]
            case (false, false): return nil
            }
        }
        return EventTemplate(kind: relayListKind, content: "", tags: tags, createdAt: createdAt)
    }

    /// The relays of a kind-10050 event (empty for any other kind).
    public static func inboxRelays(in event: Event) -> [String] {
        guard event.kind == inboxKind else { return [] }
        return bounded(event.tags.lazy.filter { $0.count >= 2 && $0[0] == "relay" }.map { $0[1] })
    }

    /// The entries of a kind-10002 event (empty for any other kind). An unknown marker reads as neither.
    public static func entries(in event: Event) -> [Entry] {
        guard event.kind == relayListKind else { return [] }
        var entries: [Entry] = []
        var seen: Set<String> = []
        for tag in event.tags where tag.count >= 2 && tag[0] == "r" {
            let url = tag[1]
            guard entries.count < maximumRelays, url.utf8.count <= maximumURLBytes, seen.insert(url).inserted else { continue }
            let marker = tag.count >= 3 ? tag[2] : ""
            entries.append(Entry(url: url, read: marker == "" || marker == "read", write: marker == "" || marker == "write"))
        }
        return entries
    }

    /// The newest of `events` of `kind` by `author` (NIP-01 replaceable events: the latest `created_at` wins, the
    /// lowest id on a tie). The events must have been verified.
    public static func newest(_ events: [Event], kind: Int, author: String) -> Event? {
        events.filter { $0.kind == kind && $0.pubkey == author }.min { a, b in
            a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id < b.id
        }
    }

    private static func bounded(_ urls: some Sequence<String>) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for url in urls where url.utf8.count <= maximumURLBytes && seen.insert(url).inserted {
            out.append(url)
            if out.count == maximumRelays { break }
        }
        return out
    }
}
