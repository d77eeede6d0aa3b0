/// The life cycle of one relay connection: connect, stay up, back off and reconnect.
///
/// Pure and value-typed: time and randomness come in as arguments, actions come out, and ``RelayConnection``
/// carries them out. Consecutive failures grow the backoff; a connection that stayed up for `stableAfter`
/// (a minute by default) resets it.
public struct RelayConnectionStateMachine: Sendable {
    /// Tunables; the defaults are the product's.
    public struct Configuration: Sendable, Equatable {
        public var base: Duration
        public var cap: Duration
        public var stableAfter: Duration
        public init(base: Duration = .seconds(1), cap: Duration = .seconds(60), stableAfter: Duration = .seconds(60)) {
            self.base = base
            self.cap = cap
            self.stableAfter = stableAfter
        }
    }

    /// Where the connection is.
    public enum State: Sendable, Equatable {
        case idle
        case connecting(failures: Int)
        case connected(since: ContinuousClock.Instant, failures: Int)
        case waiting(until: ContinuousClock.Instant, failures: Int)
        case stopped
    }

    /// What the I/O layer must do next.
    public enum Action: Sendable, Equatable {
        /// Open the websocket now.
        case connect
        /// Sleep until `at`, then call ``reconnectTimerFired()``.
        case reconnect(at: ContinuousClock.Instant, after: Duration)
        /// Nothing to do.
        case none
    }

    public private(set) var state: State = .idle
    /// Connections lost or refused since start.
    public private(set) var reconnects = 0
    public let configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Begin: connect at once.
    public mutating func start() -> Action {
        guard case .idle = state else { return .none }
        state = .connecting(failures: 0)
        return .connect
    }

    /// The websocket handshake succeeded at `now`.
    public mutating func connected(at now: ContinuousClock.Instant) -> Action {
        guard case .connecting(let failures) = state else { return .none }
        state = .connected(since: now, failures: failures)
        return .none
    }

    /// The connection attempt failed or an open connection ended, at `now`.
    /// - Parameter jitter: uniform random in `0..<1`.
    public mutating func connectionEnded(at now: ContinuousClock.Instant, jitter: Double) -> Action {
        let failures: Int
        switch state {
        case .connecting(let previous):
            failures = previous
        case .connected(let since, let previous):
            // A connection that held for a stable minute earns a fresh start.
            failures = now - since >= configuration.stableAfter ? 0 : previous
        case .idle, .waiting, .stopped:
            return .none
        }
        reconnects += 1
        let delay = Backoff.delay(failures: failures, base: configuration.base, cap: configuration.cap, jitter: jitter)
        state = .waiting(until: now + delay, failures: failures + 1)
        return .reconnect(at: now + delay, after: delay)
    }

    /// The backoff sleep is over.
    public mutating func reconnectTimerFired() -> Action {
        guard case .waiting(_, let failures) = state else { return .none }
        state = .connecting(failures: failures)
        return .connect
    }

    /// Stop for good (shutdown).
    public mutating func stop() {
        state = .stopped
    }

    /// Whether the socket is up.
    public var isConnected: Bool {
        if case .connected = state { return true }
        return false
    }
}
