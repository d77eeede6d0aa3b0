import Encoding
import Foundation

/// A NIP-01 subscription filter. Lists are ORed inside a field, fields are ANDed.
public struct Filter: Hashable, Sendable {
    public var ids: [String]?
    public var authors: [String]?
    public var kinds: [Int]?
    /// Single-letter tag queries: `tags["p"] = [hex]` is `"#p": [hex]`.
    public var tags: [String: [String]]
    public var since: Int64?
    public var until: Int64?
    public var limit: Int?

    public init(
        ids: [String]? = nil, authors: [String]? = nil, kinds: [Int]? = nil, tags: [String: [String]] = [:],
        since: Int64? = nil, until: Int64? = nil, limit: Int? = nil
    ) {
        self.ids = ids
        self.authors = authors
        self.kinds = kinds
        self.tags = tags
        self.since = since
        self.until = until
        self.limit = limit
    }

    /// Whether `event` passes this filter (`since <= created_at <= until`, inclusive). `limit` is not a match rule.
    public func matches(_ event: Event) -> Bool {
        if let ids, !ids.contains(event.id) { return false }
        if let authors, !authors.contains(event.pubkey) { return false }
        if let kinds, !kinds.contains(event.kind) { return false }
        if let since, event.createdAt < since { return false }
        if let until, event.createdAt > until { return false }
        for (letter, values) in tags {
            let set = Set(values)
            guard event.tags.contains(where: { $0.count >= 2 && $0[0] == letter && set.contains($0[1]) }) else { return false }
        }
        return true
    }

    /// Compact JSON with a stable key order (ids, authors, kinds, #tags sorted, since, until, limit).
    public var jsonString: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func appendJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var members = JSONMembers()
        members.strings("ids", ids, to: &out)
        members.strings("authors", authors, to: &out)
        if let kinds {
            members.key("kinds", to: &out)
            out.append(contentsOf: Array(("[" + kinds.map(String.init).joined(separator: ",") + "]").utf8))
        }
        for letter in tags.keys.sorted() { members.strings("#" + letter, tags[letter], to: &out) }
        members.integer("since", since, to: &out)
        members.integer("until", until, to: &out)
        members.integer("limit", limit.map(Int64.init), to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

extension Filter: Decodable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes a filter; unknown keys are refused, since silently ignoring one would widen the subscription.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        self.init()
        for key in container.allKeys {
            switch key.stringValue {
            case "ids": ids = try container.decode([String].self, forKey: key)
            case "authors": authors = try container.decode([String].self, forKey: key)
            case "kinds": kinds = try container.decode([Int].self, forKey: key)
            case "since": since = try container.decode(Int64.self, forKey: key)
            case "until": until = try container.decode(Int64.self, forKey: key)
            case "limit": limit = try container.decode(Int.self, forKey: key)
            case let name where name.hasPrefix("#") && name.count == 2:
                tags[String(name.dropFirst())] = try container.decode([String].self, forKey: key)
            default:
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "unknown filter key '\(key.stringValue)'")
            }
        }
    }
}
