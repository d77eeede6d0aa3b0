import Encoding
import Foundation

extension Event: Codable {
    enum CodingKeys: String, CodingKey {
        case id, pubkey, kind, tags, content, sig
        case createdAt = "created_at"
    }

    /// Strict decoding: lowercase 64-hex `id` and `pubkey`, 128-hex `sig`, integer `created_at` ≥ 0,
    /// integer `kind` in 0…65535, `tags` an array of arrays of strings, `content` a string.
    /// Throws ``EventError``; unknown extra fields are ignored.
    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do { container = try decoder.container(keyedBy: CodingKeys.self) } catch {
            throw EventError.malformedJSON("expected an object")
        }
        id = try Event.hexField(container, .id, characters: 64)
        (pubkey, createdAt, kind, tags, content) = try Event.decodeBody(container)
        sig = try Event.hexField(container, .sig, characters: 128)
    }

    /// Encodes the same fields; prefer ``jsonString`` for exact bytes.
    public func encode(to encoder: any Encoder) throws {
        try Event.encodeObject(id: id, pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content, sig: sig, to: encoder)
    }

    /// Encodes an event object (a rumor when `sig` is `nil`) through `Codable`.
    static func encodeObject(
        id: String, pubkey: String, createdAt: Int64, kind: Int, tags: [[String]], content: String,
        sig: String?, to encoder: any Encoder
    ) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(pubkey, forKey: .pubkey)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(kind, forKey: .kind)
        try container.encode(tags, forKey: .tags)
        try container.encode(content, forKey: .content)
        try container.encodeIfPresent(sig, forKey: .sig)
    }

    static func field<T: Decodable>(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, _ type: T.Type,
        expected: String
    ) throws(EventError) -> T {
        guard container.contains(key) else { throw .missingField(key.stringValue) }
        do { return try container.decode(T.self, forKey: key) } catch {
            throw .wrongType(field: key.stringValue, expected: expected)
        }
    }

    static func hexField(
        _ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys,
        characters: Int
    ) throws(EventError) -> String {
        let value = try field(container, key, String.self, expected: "a string of \(characters) lowercase hex characters")
        guard value.utf8.count == characters, value.utf8.allSatisfy(Event.isLowercaseHexDigit) else {
            throw .invalidHex(field: key.stringValue, expectedCharacters: characters)
        }
        return value
    }

    @inline(__always)
    static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }

    /// Parses one event from JSON text. Does not verify: call ``verify()``.
    public static func parse(_ json: String) throws(EventError) -> Event {
        try parse(Data(json.utf8))
    }

    /// Parses one event from JSON bytes. Does not verify: call ``verify()``.
    public static func parse(_ data: Data) throws(EventError) -> Event {
        do { return try JSONDecoder().decode(Event.self, from: data) } catch let error as EventError {
            throw error
        } catch {
            throw .malformedJSON(JSONErrorText.describe(error))
        }
    }

    /// The event as compact JSON, escaped exactly like the id serialization.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(content.utf8.count + 400 + tags.count * 72)
        appendJSON(to: &out)
        return out
    }

    /// The event as compact JSON text.
    public var jsonString: String { String(decoding: jsonBytes, as: UTF8.self) }

    func appendJSON(to out: inout [UInt8]) {
        Event.appendObject(id: id, pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content, sig: sig, to: &out)
    }

    /// Writes an event object (a rumor when `sig` is `nil`) with the canonical string escaping.
    static func appendObject(
        id: String, pubkey: String, createdAt: Int64, kind: Int, tags: [[String]], content: String,
        sig: String?, to out: inout [UInt8]
    ) {
        func member(_ key: StaticString, _ value: String) {
            CanonicalJSON.appendRaw(key, to: &out)
            CanonicalJSON.appendString(value, to: &out)
        }
        member("{\"id\":", id)
        member(",\"pubkey\":", pubkey)
        CanonicalJSON.appendRaw(",\"created_at\":", to: &out)
        CanonicalJSON.appendInteger(createdAt, to: &out)
        CanonicalJSON.appendRaw(",\"kind\":", to: &out)
        CanonicalJSON.appendInteger(kind, to: &out)
        CanonicalJSON.appendRaw(",\"tags\":", to: &out)
        CanonicalJSON.appendTags(tags, to: &out)
        member(",\"content\":", content)
        if let sig { member(",\"sig\":", sig) }
        out.append(UInt8(ascii: "}"))
    }

    /// The fields an event and a rumor share, decoded and checked strictly.
    static func decodeBody(_ container: KeyedDecodingContainer<CodingKeys>) throws(EventError)
        -> (pubkey: String, createdAt: Int64, kind: Int, tags: [[String]], content: String)
    {
        let pubkey = try hexField(container, .pubkey, characters: 64)
        let createdAt = try field(container, .createdAt, Int64.self, expected: "an integer number of seconds")
        guard createdAt >= 0 else { throw .negativeCreatedAt(createdAt) }
        let kind = try field(container, .kind, Int64.self, expected: "an integer")
        guard (0...65535).contains(kind) else { throw .kindOutOfRange(kind) }
        let tags = try field(container, .tags, [[String]].self, expected: "an array of arrays of strings")
        let content = try field(container, .content, String.self, expected: "a string")
        return (pubkey, createdAt, Int(kind), tags, content)
    }
}

/// Turns Foundation's decoding errors into one short line.
enum JSONErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map { "invalid JSON (\($0.localizedDescription))" } ?? "invalid JSON (\(context.debugDescription))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected JSON shape at \(path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _):
            return "missing key '\(key.stringValue)'"
        default:
            return "invalid JSON"
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "top level" : codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
