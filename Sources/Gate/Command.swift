import Foundation

/// A request to act on Gitea, independent of how it arrived (a Nostr DM today).
public struct Command: Hashable, Sendable {
    /// Where the command came from and who sent it, e.g. `nostr:npub1…`.
    public let source: String
    public let repository: Repository
    public let payload: CommandPayload
    /// The event that carried it, when there is one.
    public let origin: Origin?
    /// When the Gate received it (Unix seconds).
    public let receivedAt: Int64
    /// Bypass the duplicate window: execute even if an identical command ran recently.
    public let again: Bool

    /// The carrying event: its id never executes twice, ever.
    public struct Origin: Hashable, Sendable, Codable {
        public let eventID: String
        public let createdAt: Int64
        public init(eventID: String, createdAt: Int64) { (self.eventID, self.createdAt) = (eventID, createdAt) }
        enum CodingKeys: String, CodingKey {
            case eventID = "event_id"
            case createdAt = "created_at"
        }
    }

    public init(source: String, repository: Repository, payload: CommandPayload, origin: Origin? = nil, receivedAt: Int64, again: Bool = false) {
        self.source = source
        self.repository = repository
        self.payload = payload
        self.origin = origin
        self.receivedAt = receivedAt
        self.again = again
    }

    public var action: GateAction { payload.action }
}
