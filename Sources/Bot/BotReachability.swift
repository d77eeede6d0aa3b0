import Foundation
import NostrCore
import NostrIngress

/// How real clients find the bot and how its answers find the operators (`profile`, `dm_relays`,
/// `discovery_relays`, `operators[].relays`, `on_demand_relays`), read from `operator-gate.json`:
///
/// ```json
/// {"profile": {"name": "gatebot", "about": "Send help by DM", "picture": "https://…", "nip05": "…", "website": "…"},
///  "dm_relays": ["wss://inbox.example"], "discovery_relays": ["wss://purplepag.es"],
///  "operators": [{"npub": "npub1…", "relays": ["wss://alice-inbox.example"], …}], "on_demand_relays": 16}
/// ```
public struct BotReachability: Sendable, Equatable {
    /// The kind-0 profile the bot publishes.
    public var profile: BotProfile
    /// The bot's DM inbox relays (its kind 10050); `nil`: the read relays of `relays.json`.
    public var dmRelays: [String]?
    /// Where clients look up relay lists and profiles: the bot publishes its own there and looks up the operators'.
    public var discoveryRelays: [String]
    /// Relays an operator's answers go to instead of the ones their lists name.
    public var operatorRelays: [PublicKey: [String]]
    /// Connections to relays outside `relays.json` open at once.
    public var onDemandConnections: Int

    /// Public relay-list indexers, used when `discovery_relays` is absent.
    public static let defaultDiscoveryRelays = ["wss://purplepag.es", "wss://user.kindpag.es", "wss://indexer.coracle.social"]
    /// The profile when `profile` is absent or leaves a field out.
    public static let defaultProfile = BotProfile(
        name: "operator-gate", displayName: "operator-gate",
        about: "Runs a Gitea forge from direct messages. Send `help` by DM (NIP-17 or NIP-04).")

    public init(
        profile: BotProfile = Self.defaultProfile, dmRelays: [String]? = nil, discoveryRelays: [String] = Self.defaultDiscoveryRelays,
        operatorRelays: [PublicKey: [String]] = [:], onDemandConnections: Int = 16
    ) {
        (self.profile, self.dmRelays, self.discoveryRelays) = (profile, dmRelays, discoveryRelays)
        (self.operatorRelays, self.onDemandConnections) = (operatorRelays, onDemandConnections)
    }

    /// The bot's DM inbox relays: `dm_relays`, or the read relays of `relays`.
    public func inboxRelays(_ relays: RelayList) -> [String] { dmRelays ?? relays.readRelays.map(\.url) }

    /// Where the bot's profile and relay lists go: the write relays of `relays`, then each discovery relay not
    /// among them.
    public func announcementRelays(_ relays: RelayList) -> [String] {
        let write = relays.writeRelays.map(\.url)
        return write + discoveryRelays.filter { !write.contains($0) }
    }

    /// `relays` plus every `dm_relays` entry it lacks, as a read-only relay: the bot reads DMs on all of its 10050.
    public func readingList(_ relays: RelayList) throws(RelayListError) -> RelayList {
        let known = Set(relays.relays.map(\.url))
        let extra = (dmRelays ?? []).filter { !known.contains($0) }.map { RelayEndpoint(url: $0, read: true, write: false) }
        return extra.isEmpty ? relays : try RelayList(relays.relays + extra)
    }

    private struct File: Decodable {
        struct OperatorEntry: Decodable {
            let npub: String?
            let relays: [String]?
        }
        /// `name`, `display_name`, `about`, `picture`, `nip05`, `website`: all strings.
        let profile: [String: String]?
        let dm_relays: [String]?
        let discovery_relays: [String]?
        let operators: [OperatorEntry]?
        let on_demand_relays: Int?
    }

    /// Reads these fields of the configuration (the rest is ``BotConfiguration``'s); every URL must be `ws`/`wss`.
    public static func parse(_ data: Data) throws(BotConfigurationError) -> BotReachability {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw BotConfigurationError(field: BotConfiguration.path(of: error), problem: "wrong type or invalid JSON")
        }
        var reachability = BotReachability()
        if let entry = file.profile {
            let known: Set = ["name", "display_name", "about", "picture", "nip05", "website"]
            if let unknown = entry.keys.sorted().first(where: { !known.contains($0) }) {
                throw BotConfigurationError(field: "profile.\(unknown)", problem: "unknown; known: \(known.sorted().joined(separator: ", "))")
            }
            let fallback = defaultProfile
            reachability.profile = BotProfile(
                name: entry["name"] ?? fallback.name, displayName: entry["display_name"] ?? entry["name"] ?? fallback.displayName,
                about: entry["about"] ?? fallback.about, picture: entry["picture"], nip05: entry["nip05"], website: entry["website"])
        }
        if let urls = file.dm_relays {
            guard !urls.isEmpty else { throw BotConfigurationError(field: "dm_relays", problem: "empty: leave it out to use the read relays") }
            reachability.dmRelays = try relayURLs(urls, field: "dm_relays")
        }
        if let urls = file.discovery_relays { reachability.discoveryRelays = try relayURLs(urls, field: "discovery_relays") }
        for (index, entry) in (file.operators ?? []).enumerated() {
            guard let urls = entry.relays, let npub = entry.npub, let key = try? PublicKey(parsing: npub) else { continue }
            reachability.operatorRelays[key] = try relayURLs(urls, field: "operators[\(index)].relays")
        }
        if let count = file.on_demand_relays {
            guard (1...256).contains(count) else { throw BotConfigurationError(field: "on_demand_relays", problem: "must be 1...256") }
            reachability.onDemandConnections = count
        }
        return reachability
    }

    private static func relayURLs(_ urls: [String], field: String) throws(BotConfigurationError) -> [String] {
        var out: [String] = []
        for (index, raw) in urls.enumerated() {
            guard let url = RelayList.normalizedURL(raw) else {
                throw BotConfigurationError(field: "\(field)[\(index)]", problem: "\"\(raw)\" is not a ws:// or wss:// relay address")
            }
            if !out.contains(url) { out.append(url) }
        }
        return out
    }
}
