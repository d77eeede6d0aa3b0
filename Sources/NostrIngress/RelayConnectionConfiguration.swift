import NostrCore

/// Settings for every relay connection in a pool.
public struct RelayConnectionConfiguration: Sendable {
    /// Largest inbound message accepted; a larger one closes the connection (and counts as an error).
    public var maximumFrameSize: Int
    /// Websocket ping interval; a missing pong closes the connection.
    public var pingInterval: Duration
    /// Reconnect backoff.
    public var backoff: RelayConnectionStateMachine.Configuration
    /// OK and AUTH timeouts.
    public var session: RelaySessionStateMachine.Configuration
    /// How often timeouts are checked.
    public var tickInterval: Duration
    /// How long the TCP connect, TLS and websocket upgrade may take together.
    public var handshakeTimeout: Duration
    /// A cheap look at each inbound EVENT frame before it is decoded (``EventPrescreen``): `false` drops the
    /// frame unparsed (counted in ``RelayStatus/prescreened``). Frames it cannot summarize are decoded as usual.
    public var prescreen: (@Sendable (EventPrescreen.Summary) -> Bool)?
    /// When the reader counts as behind a relay and as caught up again (``BacklogWatch``); `nil` never asks a relay
    /// again for what it may have dropped meanwhile.
    public var backlog: BacklogWatch.Configuration?

    public init(
        maximumFrameSize: Int = 1 << 20, pingInterval: Duration = .seconds(30),
        backoff: RelayConnectionStateMachine.Configuration = .init(),
        session: RelaySessionStateMachine.Configuration = .init(), tickInterval: Duration = .milliseconds(250),
        handshakeTimeout: Duration = .seconds(10), backlog: BacklogWatch.Configuration? = .init()
    ) {
        self.maximumFrameSize = maximumFrameSize
        self.pingInterval = pingInterval
        self.backoff = backoff
        self.session = session
        self.tickInterval = tickInterval
        self.handshakeTimeout = handshakeTimeout
        self.backlog = backlog
    }
}
