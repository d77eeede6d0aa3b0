import NostrCore

/// The in-process relay's memory: stored events and each connection's subscriptions.
///
/// Events are verified (id and signature) before they are stored or forwarded; ephemeral kinds
/// (20000–29999) are forwarded, not stored. Storage is bounded: the oldest events go first.
public actor LoopbackRelayState {
    private var events: [Event] = []
    private var ids: Set<String> = []
    private var connections: [Int: (subscriptions: [String: [Filter]], send: AsyncStream<String>.Continuation)] = [:]
    private var nextConnection = 0
    public let capacity: Int
    /// Events accepted since start.
    public private(set) var accepted = 0
    /// Client connections open now, and opened since start.
    public var openConnections: Int { connections.count }
    public var connectionsOpened: Int { nextConnection }

    public init(capacity: Int = 100_000) { self.capacity = capacity }

    func connect(_ send: AsyncStream<String>.Continuation) -> Int {
        nextConnection += 1
        connections[nextConnection] = ([:], send)
        return nextConnection
    }

    func disconnect(_ connection: Int) { connections[connection] = nil }

    /// Handles one client frame; answers go to the connection's stream.
    func receive(_ frame: String, from connection: Int) {
        guard let send = connections[connection]?.send else { return }
        let message: ClientMessage
        do { message = try ClientMessage.parse(frame) } catch {
            send.yield(RelayMessage.notice("invalid: \(error)").jsonString)
            return
        }
        switch message {
        case .event(let event):
            do { try event.verify() } catch {
                send.yield(RelayMessage.ok(eventID: event.id, accepted: false, message: "invalid: \(error)").jsonString)
                return
            }
            if ids.contains(event.id) {
                send.yield(RelayMessage.ok(eventID: event.id, accepted: true, message: "duplicate: already have this event").jsonString)
                return
            }
            if !(20000..<30000).contains(event.kind) {
                events.append(event)
                ids.insert(event.id)
                if events.count > capacity { ids.remove(events.removeFirst().id) }
            }
            accepted += 1
            send.yield(RelayMessage.ok(eventID: event.id, accepted: true, message: "").jsonString)
            for (_, peer) in connections {
                for (subscription, filters) in peer.subscriptions where filters.contains(where: { $0.matches(event) }) {
                    peer.send.yield(RelayMessage.event(subscriptionID: subscription, event: event).jsonString)
                }
            }
        case .req(let subscription, let filters):
            connections[connection]?.subscriptions[subscription] = filters
            var matching: [Event] = []
            for filter in filters {
                var found = events.filter { filter.matches($0) }.sorted { $0.createdAt > $1.createdAt }
                if let limit = filter.limit { found = Array(found.prefix(limit)) }
                matching.append(contentsOf: found)
            }
            var sent: Set<String> = []
            for event in matching where sent.insert(event.id).inserted {
                send.yield(RelayMessage.event(subscriptionID: subscription, event: event).jsonString)
            }
            send.yield(RelayMessage.eose(subscriptionID: subscription).jsonString)
        case .close(let subscription):
            connections[connection]?.subscriptions[subscription] = nil
        case .auth:
            send.yield(RelayMessage.notice("AUTH is not required here").jsonString)
        }
    }

    /// Stored events matching `filter` (for demos and tests).
    public func stored(matching filter: Filter) -> [Event] { events.filter { filter.matches($0) } }
}
