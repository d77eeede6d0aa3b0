import Encoding

/// The bot's kind-0 profile (NIP-01 metadata), marked as an automated account with `"bot": true` (NIP-24).
///
/// ``content`` writes the fields in one fixed order with the canonical string escaping, so the same profile is
/// always the same bytes: comparing it with what relays hold tells whether it needs publishing again.
public struct BotProfile: Hashable, Sendable {
    public var name: String
    public var displayName: String
    /// One line telling a person how to use the bot.
    public var about: String
    public var picture: String?
    public var nip05: String?
    public var website: String?

    public init(
        name: String, displayName: String, about: String, picture: String? = nil, nip05: String? = nil, website: String? = nil
    ) {
        (self.name, self.displayName, self.about) = (name, displayName, about)
        (self.picture, self.nip05, self.website) = (picture, nip05, website)
    }

    /// The kind-0 `content`: `{"name":…,"display_name":…,"about":…,["picture","nip05","website",]"bot":true}`.
    public var content: String {
        var out: [UInt8] = []
        func member(_ key: StaticString, _ value: String?) {
            guard let value else { return }
            CanonicalJSON.appendRaw(key, to: &out)
            CanonicalJSON.appendString(value, to: &out)
        }
        member("{\"name\":", name)
        member(",\"display_name\":", displayName)
        member(",\"about\":", about)
        member(",\"picture\":", picture)
        member(",\"nip05\":", nip05)
        member(",\"website\":", website)
        CanonicalJSON.appendRaw(",\"bot\":true}", to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The kind-0 event to sign.
    public func template(createdAt: Int64) -> EventTemplate {
        EventTemplate(kind: Self.kind, content: content, createdAt: createdAt)
    }

    /// Kind 0: user metadata.
    public static let kind = 0
}
