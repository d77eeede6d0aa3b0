/// What one relay connection is doing, for logs, `/healthz` and metrics.
public struct RelayStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        case idle, connecting, connected, waiting, stopped
    }

    public let url: String
    public var state: State = .idle
    public var lastError: String?
    public var reconnects = 0
    public var eventsReceived = 0
    public var duplicatesDropped = 0
    public var malformedFrames = 0
    /// EVENT frames dropped undecoded by the configuration's prescreen (strangers' DMs).
    public var prescreened = 0
    public var notices = 0
    /// Valid frames that made no sense here (EOSE, CLOSED or EVENT for a subscription the bot never opened, OK for
    /// an event it did not publish): counted, logged within the relay's log budget, otherwise ignored.
    public var unexpectedFrames = 0
    /// Times the reader fell behind this relay and asked again for what it stored meanwhile (``BacklogWatch``).
    public var catchUps = 0
    /// Subscriptions for which the relay sent EOSE on the current connection.
    public var subscriptionsAtEOSE: Set<String> = []

    public init(url: String) { self.url = url }
}
