import Encoding
import Foundation

/// An unsigned event with its id, as NIP-59 carries it inside a seal (for NIP-17: a kind-14 chat message).
public struct Rumor: Hashable, Sendable, Codable {
    public let id: String
    public let pubkey: String
    public let createdAt: Int64
    public let kind: Int
    public let tags: [[String]]
    public let content: String

    /// Builds a rumor and computes its id.
    public init(pubkey: String, createdAt: Int64, kind: Int, tags: [[String]], content: String) {
        self.pubkey = pubkey
        self.createdAt = createdAt
        self.kind = kind
        self.tags = tags
        self.content = content
        self.id = Hex.encode(Event.idBytes(pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content))
    }

    /// Strict decoding like ``Event``; `id` may be absent (it is then computed) but, when present, must match the
    /// fields. A `sig` field is refused: a signed rumor could be republished, which NIP-59 exists to prevent.
    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<Event.CodingKeys>
        do { container = try decoder.container(keyedBy: Event.CodingKeys.self) } catch {
            throw EventError.malformedJSON("expected an object")
        }
        (pubkey, createdAt, kind, tags, content) = try Event.decodeBody(container)
        guard !container.contains(.sig) else { throw EventError.wrongType(field: "sig", expected: "absent in a rumor") }
        let computed = Hex.encode(Event.idBytes(pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content))
        if container.contains(.id) {
            let claimed = try Event.hexField(container, .id, characters: 64)
            guard claimed == computed else { throw EventError.idMismatch(claimed: claimed, computed: computed) }
        }
        id = computed
    }

    public func encode(to encoder: any Encoder) throws {
        try Event.encodeObject(id: id, pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content, sig: nil, to: encoder)
    }

    /// Parses a rumor from JSON text.
    public static func parse(_ json: String) throws(EventError) -> Rumor {
        do { return try JSONDecoder().decode(Rumor.self, from: Data(json.utf8)) } catch let error as EventError {
            throw error
        } catch {
            throw .malformedJSON(JSONErrorText.describe(error))
        }
    }

    /// Compact JSON with the canonical escaping.
    public var jsonString: String {
        var out: [UInt8] = []
        out.reserveCapacity(content.utf8.count + 300)
        Event.appendObject(id: id, pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content, sig: nil, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
