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
    /// The operator's name, for the audit trail (the ledger records it; not part of the gate key).
    public var operatorName: String?
    /// The Gitea login that acts for the operator (Sudo or their personal token); `nil`: the bot's own account.
    /// Not part of the gate key: a command keeps its identity whoever executes it.
    public var actingUser: String?

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

    public init(
        source: String, repository: Repository, payload: CommandPayload, origin: Origin? = nil, receivedAt: Int64, again: Bool = false,
        operatorName: String? = nil, actingUser: String? = nil
    ) {
        self.source = source
        self.repository = repository
        self.payload = payload
        self.origin = origin
        self.receivedAt = receivedAt
        self.again = again
        self.operatorName = operatorName
        self.actingUser = actingUser
    }

    /// The same command with another payload (a confirmed merge pins the head its preview showed).
    public func with(payload: CommandPayload) -> Command {
        Command(
            source: source, repository: repository, payload: payload, origin: origin, receivedAt: receivedAt, again: again,
            operatorName: operatorName, actingUser: actingUser)
    }

    public var action: GateAction { payload.action }
}
