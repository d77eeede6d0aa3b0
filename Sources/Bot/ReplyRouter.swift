import NostrCore
import NostrIngress

/// Decides, for each signed answer, which relays it goes to (``DeliveryRoute``): the recipient is the event's `p`
/// tag, the scheme its kind (4: NIP-04, else NIP-17). The bot's own copy goes to its DM inbox relays; an operator's
/// answer follows `operators[].relays` or their lists; anyone else's goes to the bot's write relays only.
public struct ReplyRouter: Sendable {
    let directory: RelayListDirectory
    let botKey: String
    let botInbox: [String]
    let botWriteRelays: [String]
    let configured: [String: [String]]
    let operators: Set<String>

    public init(directory: RelayListDirectory, reachability: BotReachability, operators: [Operator], bot: PublicKey, relays: RelayList) {
        self.directory = directory
        botKey = bot.hex
        botInbox = reachability.inboxRelays(relays)
        botWriteRelays = relays.writeRelays.map(\.url)
        configured = Dictionary(reachability.operatorRelays.map { ($0.key.hex, $0.value) }, uniquingKeysWith: { first, _ in first })
        self.operators = Set(operators.map(\.publicKey.hex))
    }

    /// The route of one answer event.
    public func route(for event: Event) async -> DeliveryRoute {
        guard let recipient = event.tagValues("p").first else { return DeliveryRoute(relays: botWriteRelays, source: .writeRelays) }
        if recipient == botKey { return DeliveryRoute(relays: botInbox, source: .inboxList) }
        guard operators.contains(recipient) else { return DeliveryRoute(relays: botWriteRelays, source: .writeRelays) }
        let scheme: DeliveryRoute.Scheme = event.kind == 4 ? .nip04 : .nip17
        let lists = configured[recipient] == nil ? await directory.lists(of: recipient) : nil
        return DeliveryRoute.plan(scheme: scheme, configured: configured[recipient], lists: lists, botWriteRelays: botWriteRelays)
    }

    /// The bot's write relays (where every answer also goes).
    public var writeRelays: [String] { botWriteRelays }
}
