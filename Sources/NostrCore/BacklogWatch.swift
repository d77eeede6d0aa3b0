/// Tells when a relay may have dropped live events because this side read them too slowly, and when to ask it for
/// them again.
///
/// A relay hands each live event to every connection through a bounded buffer; rust-nostr's LocalRelay skips,
/// without a word, whatever a connection falls more than 1,024 events behind on (its `broadcast` channel lags), and
/// relays built the same way do likewise. A bot that reads its socket slower than events come (a burst of commands,
/// a flood of strangers' gift wraps) loses messages that way: they are stored on the relay but never sent live.
/// The reader cannot see the relay's buffer, but it sees the cause: it holds an event and waits for the inbox to
/// take it (once the pool's buffer between the readers and the inbox is full). Waiting there for most of a second
/// means the relay is writing faster than the bot reads; once the waits are short again the backlog is gone, and
/// the subscriptions are sent again (``Decision/catchUp(behindSince:)``) so the relay sends what it stored since the
/// backlog began. The events already received come back as exact copies and are dropped by the pool's
/// deduplication.
///
/// Pure: hand-off waits and instants go in, decisions come out. Time is cut into windows of ``Configuration/window``,
/// opened by a hand-off (nothing is timed while idle and not behind):
///
/// | the window's hand-offs waited in all | before     | after                                       |
/// |---------------------------------------|------------|---------------------------------------------|
/// | ≥ `behindShare` of the window (50 %)  | any        | behind since the window's start             |
/// | < `caughtUpShare` of it (10 %)        | behind     | not behind: `catchUp(behindSince:)`         |
/// | between                               | either     | unchanged                                   |
///
/// While behind, the next window opens as the last one closes and ``deadline`` asks for a ``tick(now:)`` at its
/// end, so the catch-up comes even when no event follows the backlog.
public struct BacklogWatch: Sendable, Equatable {
    /// Window length and the two shares of it.
    public struct Configuration: Sendable, Equatable {
        public var window: Duration
        /// Share of a window spent waiting that counts as falling behind.
        public var behindShare: Double
        /// Share of a window spent waiting under which a backlog counts as gone.
        public var caughtUpShare: Double

        public init(window: Duration = .seconds(1), behindShare: Double = 0.5, caughtUpShare: Double = 0.1) {
            (self.window, self.behindShare, self.caughtUpShare) = (window, behindShare, caughtUpShare)
        }
    }

    /// What the connection should do.
    public enum Decision: Sendable, Equatable {
        case none
        /// Send the subscriptions again, asking for what the relay stored since `behindSince` (a relay dropped
        /// nothing published before the reader fell behind).
        case catchUp(behindSince: ContinuousClock.Instant)
    }

    public let configuration: Configuration
    private var windowStart: ContinuousClock.Instant?
    private var waited: Duration = .zero
    /// When the reader fell behind, while it is.
    public private(set) var behindSince: ContinuousClock.Instant?

    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    /// The reader handed an event to the inbox at `now` after waiting `waited` for it to be taken.
    public mutating func handedOff(waited: Duration, at now: ContinuousClock.Instant) -> Decision {
        let decision = closeWindow(at: now)
        // A long wait began before `now`: its window starts when the wait did.
        if windowStart == nil { windowStart = now - max(.zero, waited) }
        self.waited += max(.zero, waited)
        return decision
    }

    /// When ``tick(now:)`` is due: the end of the open window while behind, else never (an idle reader is not timed).
    public var deadline: ContinuousClock.Instant? {
        guard behindSince != nil, let windowStart else { return nil }
        return windowStart + configuration.window
    }

    /// Closes the window if it ended by `now` (a catch-up when the reader was behind and waited little in it).
    public mutating func tick(now: ContinuousClock.Instant) -> Decision { closeWindow(at: now) }

    /// A new connection asks for everything from its cursors: nothing to catch up on.
    public mutating func reset() {
        (windowStart, waited, behindSince) = (nil, .zero, nil)
    }

    private mutating func closeWindow(at now: ContinuousClock.Instant) -> Decision {
        guard let start = windowStart, now >= start + configuration.window else { return .none }
        let share = waited / configuration.window
        waited = .zero
        var decision = Decision.none
        if share >= configuration.behindShare {
            if behindSince == nil { behindSince = start }
        } else if let since = behindSince, share < configuration.caughtUpShare {
            behindSince = nil
            decision = .catchUp(behindSince: since)
        }
        // Behind, the next window runs from now (a tick ends it even when no event comes); otherwise the next
        // hand-off opens one.
        windowStart = behindSince == nil ? nil : now
        return decision
    }
}
