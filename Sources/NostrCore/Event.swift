import Crypto
import Encoding

/// A Nostr event (NIP-01) as it travels on the wire.
///
/// Decoding checks shapes only (lowercase hex lengths, integer `created_at`, string tags); it never verifies.
/// Call ``verify()`` before trusting anything in it.
public struct Event: Hashable, Sendable {
    /// 64 lowercase hex characters: SHA-256 of the canonical serialization.
    public let id: String
    /// 64 lowercase hex characters: the author's x-only key.
    public let pubkey: String
    /// Seconds since the Unix epoch, as the author claims.
    public let createdAt: Int64
    /// 0…65535.
    public let kind: Int
    /// Each tag is a non-empty-by-convention list of strings.
    public let tags: [[String]]
    /// Arbitrary text.
    public let content: String
    /// 128 lowercase hex characters: BIP-340 signature over the id.
    public let sig: String

    /// Creates an event from already-checked parts; use ``EventTemplate/sign(with:)`` to make a new one.
    public init(id: String, pubkey: String, createdAt: Int64, kind: Int, tags: [[String]], content: String, sig: String) {
        self.id = id
        self.pubkey = pubkey
        self.createdAt = createdAt
        self.kind = kind
        self.tags = tags
        self.content = content
        self.sig = sig
    }

    /// The id this event's fields hash to.
    public var computedID: String {
        Hex.encode(Event.idBytes(pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content))
    }

    /// The first value of every tag named `name` (e.g. `"p"`).
    public func tagValues(_ name: String) -> [String] {
        tags.compactMap { $0.count >= 2 && $0[0] == name ? $0[1] : nil }
    }

    /// The canonical serialization `[0,pubkey,created_at,kind,tags,content]` whose SHA-256 is the id.
    public static func canonicalSerialization(pubkey: String, createdAt: Int64, kind: Int, tags: [[String]], content: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(content.utf8.count + 128 + tags.count * 72)
        CanonicalJSON.appendRaw("[0,", to: &out)
        CanonicalJSON.appendString(pubkey, to: &out)
        out.append(UInt8(ascii: ","))
        CanonicalJSON.appendInteger(createdAt, to: &out)
        out.append(UInt8(ascii: ","))
        CanonicalJSON.appendInteger(kind, to: &out)
        out.append(UInt8(ascii: ","))
        CanonicalJSON.appendTags(tags, to: &out)
        out.append(UInt8(ascii: ","))
        CanonicalJSON.appendString(content, to: &out)
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// SHA-256 of the canonical serialization.
    public static func idBytes(pubkey: String, createdAt: Int64, kind: Int, tags: [[String]], content: String) -> [UInt8] {
        // Copied out through its bytes: `Array(digest)` walks the digest as a generic sequence, byte by byte.
        SHA256.hash(data: canonicalSerialization(pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content))
            .withUnsafeBytes { Array($0) }
    }
}
