import Foundation

/// The relays the bot uses, from `relays.json`:
///
/// ```json
/// {"relays": [{"url": "wss://relay.damus.io", "read": true, "write": true},
///             {"url": "ws://127.0.0.1:7777"}]}
/// ```
/// `read` and `write` default to `true`. URLs must be `ws://` or `wss://` with a host; duplicates (after
/// lowercasing scheme and host and dropping a trailing `/`) are refused.
public struct RelayList: Hashable, Sendable {
    public let relays: [RelayEndpoint]

    /// Validates a list; `requireRead`/`requireWrite` refuse lists that cannot receive or cannot reply.
    public init(_ relays: [RelayEndpoint], requireRead: Bool = false, requireWrite: Bool = false) throws(RelayListError) {
        guard !relays.isEmpty else { throw .empty }
        var seen: [String: Int] = [:]
        var normalized: [RelayEndpoint] = []
        for (index, relay) in relays.enumerated() {
            let url = try Self.normalize(relay.url, index: index)
            if let first = seen[url] { throw .duplicate(index: index, url: relay.url, firstIndex: first) }
            seen[url] = index
            normalized.append(RelayEndpoint(url: url, read: relay.read, write: relay.write))
        }
        if requireRead, !normalized.contains(where: \.read) { throw .noReadRelay }
        if requireWrite, !normalized.contains(where: \.write) { throw .noWriteRelay }
        self.relays = normalized
    }

    /// Parses the JSON text of a relay list.
    public static func parse(_ data: Data, requireRead: Bool = false, requireWrite: Bool = false) throws(RelayListError) -> RelayList {
        struct File: Decodable {
            struct Entry: Decodable {
                let url: String
                let read: Bool?
                let write: Bool?
            }
            let relays: [Entry]
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw .malformed(Self.describe(error))
        }
        return try RelayList(
            file.relays.map { RelayEndpoint(url: $0.url, read: $0.read ?? true, write: $0.write ?? true) },
            requireRead: requireRead, requireWrite: requireWrite)
    }

    /// Loads and validates a relay list file.
    public static func load(path: String, requireRead: Bool = false, requireWrite: Bool = false) throws(RelayListError) -> RelayList {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(data, requireRead: requireRead, requireWrite: requireWrite)
    }

    /// The relays to read from.
    public var readRelays: [RelayEndpoint] { relays.filter(\.read) }
    /// The relays to publish to.
    public var writeRelays: [RelayEndpoint] { relays.filter(\.write) }

    /// `raw` as this list would hold it (lowercase scheme and host, no bare trailing `/`), or `nil` when it is not a
    /// usable `ws`/`wss` address: for URLs that come from other people's relay lists.
    public static func normalizedURL(_ raw: String) -> String? { try? normalize(raw, index: 0) }

    static func normalize(_ raw: String, index: Int) throws(RelayListError) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(index: index, url: raw, reason: "not a URL")
        }
        guard scheme == "ws" || scheme == "wss" else {
            throw .invalidURL(index: index, url: raw, reason: "scheme must be ws or wss, not \(scheme)")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(index: index, url: raw, reason: "has no host") }
        guard components.user == nil, components.password == nil else {
            throw .invalidURL(index: index, url: raw, reason: "must not carry credentials")
        }
        var normalized = components
        normalized.scheme = scheme
        normalized.host = host.lowercased()
        if normalized.path == "/" { normalized.path = "" }
        guard let url = normalized.string else { throw .invalidURL(index: index, url: raw, reason: "not a URL") }
        return url
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\" at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case DecodingError.valueNotFound(_, let context):
            return "null at \(path(context.codingPath))"
        default:
            return "invalid JSON"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty
            ? "top level"
            : codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
                in: CharacterSet(charactersIn: "."))
    }
}
