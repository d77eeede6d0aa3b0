import Encoding

/// The Nostr protocol on one relay connection: subscriptions, EOSE, NIP-42 authentication and OK matching.
///
/// Pure and value-typed. Frames, time and "signed" events go in; ``Action``s come out for ``RelayConnection``
/// to carry out. It never verifies events (the inbox does) and never signs (the driver does, on
/// ``Action/signAuth(challenge:)``), so tests can drive it with plain values.
public struct RelaySessionStateMachine: Sendable {
    /// Tunables.
    public struct Configuration: Sendable, Equatable {
        /// How long to wait for an OK after sending an EVENT.
        public var okTimeout: Duration
        /// How long to wait for the OK to an AUTH before assuming it worked (some relays never answer AUTH).
        public var authTimeout: Duration
        public init(okTimeout: Duration = .seconds(10), authTimeout: Duration = .seconds(3)) {
            self.okTimeout = okTimeout
            self.authTimeout = authTimeout
        }
    }

    /// What the I/O layer must do.
    public enum Action: Sendable, Equatable {
        /// Write this frame.
        case send(ClientMessage)
        /// Sign a kind-22242 event for this challenge and hand it to ``authSigned(_:now:)``.
        case signAuth(challenge: String)
        /// An event arrived on a subscription of ours (not yet verified).
        case deliver(subscriptionID: String, event: Event)
        /// The relay's verdict on an event we published (or why there is none).
        case publishResult(eventID: String, outcome: PublishOutcome)
        /// Stored events are done for this subscription.
        case endOfStoredEvents(subscriptionID: String)
        /// The relay closed a subscription for good; log it.
        case subscriptionClosed(subscriptionID: String, message: String)
        /// The relay rate-limited a subscription; ``tick(now:)`` re-sends it after the delay.
        case resubscribeScheduled(subscriptionID: String, after: Duration)
        /// A NOTICE, to log.
        case notice(String)
        /// A frame that is not valid protocol; count and log it.
        case malformedFrame(FrameError)
        /// A valid frame that makes no sense here (unknown subscription, OK for an unknown id); log it.
        case unexpected(String)
    }

    private enum AuthState: Sendable, Equatable {
        case none
        case pending(eventID: String, deadline: ContinuousClock.Instant)
        case authenticated
    }

    private struct InFlight: Sendable {
        let event: Event
        let deadline: ContinuousClock.Instant
        var awaitingAuth: Bool
    }

    public let configuration: Configuration
    public private(set) var isConnected = false
    private var subscriptions: [String: [Filter]] = [:]
    private var subscriptionsAwaitingAuth: Set<String> = []
    private var rateLimitStrikes: [String: Int] = [:]
    private var resubscribeAt: [String: ContinuousClock.Instant] = [:]
    private(set) var completedInitialSync: Set<String> = []
    private var challenge: String?
    private var auth: AuthState = .none
    private var inFlight: [String: InFlight] = [:]

    /// Longest relay text (NOTICE, CLOSED and OK messages) handed on, in UTF-8 bytes; the rest is cut.
    public static let maximumTextBytes = 300

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Subscriptions that have seen EOSE on this connection.
    public var subscriptionsAtEOSE: Set<String> { completedInitialSync }

    /// The socket is open: (re)send every subscription with the filters given (fresh `since` values).
    public mutating func connected(subscriptions: [String: [Filter]]) -> [Action] {
        isConnected = true
        self.subscriptions = subscriptions
        subscriptionsAwaitingAuth = []
        completedInitialSync = []
        resubscribeAt = [:]
        challenge = nil
        auth = .none
        return subscriptions.keys.sorted().map { .send(.req(subscriptionID: $0, filters: subscriptions[$0]!)) }
    }

    /// The socket closed: every publish still waiting fails as not connected.
    public mutating func disconnected(reason: String) -> [Action] {
        isConnected = false
        let failed = inFlight.keys.sorted().map { Action.publishResult(eventID: $0, outcome: .notConnected(reason)) }
        inFlight = [:]
        auth = .none
        challenge = nil
        return failed
    }

    /// Adds or replaces a subscription; sent at once when connected.
    public mutating func subscribe(_ id: String, filters: [Filter]) -> [Action] {
        subscriptions[id] = filters
        return isConnected ? [.send(.req(subscriptionID: id, filters: filters))] : []
    }

    /// Ends a subscription: forgotten here (a reconnect does not send it again) and CLOSEd when connected.
    public mutating func unsubscribe(_ id: String) -> [Action] {
        guard subscriptions.removeValue(forKey: id) != nil else { return [] }
        completedInitialSync.remove(id)
        subscriptionsAwaitingAuth.remove(id)
        rateLimitStrikes[id] = nil
        resubscribeAt[id] = nil
        return isConnected ? [.send(.close(subscriptionID: id))] : []
    }

    /// Publishes `event`; its result comes later as ``Action/publishResult(eventID:outcome:)``.
    public mutating func publish(_ event: Event, now: ContinuousClock.Instant) -> [Action] {
        guard isConnected else { return [.publishResult(eventID: event.id, outcome: .notConnected("relay is not connected"))] }
        inFlight[event.id] = InFlight(event: event, deadline: now + configuration.okTimeout, awaitingAuth: false)
        return [.send(.event(event))]
    }

    /// Whether `eventID` was published on this connection and its verdict has not come yet.
    public func awaitsVerdict(on eventID: String) -> Bool { inFlight[eventID] != nil }

    /// The driver signed the answer to the current challenge.
    public mutating func authSigned(_ event: Event, now: ContinuousClock.Instant) -> [Action] {
        guard isConnected else { return [] }
        auth = .pending(eventID: event.id, deadline: now + configuration.authTimeout)
        return [.send(.auth(event))]
    }

    /// Handles one inbound text frame.
    public mutating func receive(_ frame: String, now: ContinuousClock.Instant) -> [Action] {
        let message: RelayMessage
        do { message = try RelayMessage.parse(frame) } catch { return [.malformedFrame(error)] }
        switch message {
        case .event(let subscriptionID, let event):
            guard subscriptions[subscriptionID] != nil else {
                return [.unexpected("EVENT for unknown subscription '\(subscriptionID.utf8Prefix(64))'")]
            }
            return [.deliver(subscriptionID: subscriptionID, event: event)]

        case .ok(let eventID, let accepted, let text):
            if case .pending(let authID, _) = auth, eventID == authID {
                return authFinished(accepted: accepted, message: text.utf8Prefix(Self.maximumTextBytes))
            }
            guard var entry = inFlight[eventID] else {
                return [.unexpected("OK for unknown event id '\(eventID.utf8Prefix(64))': \(text.utf8Prefix(Self.maximumTextBytes))")]
            }
            if !accepted, MachineReadablePrefix(message: text) == .authRequired, auth != .authenticated {
                // Keep it; it is re-sent once AUTH succeeds (or fails with the deadline).
                entry.awaitingAuth = true
                inFlight[eventID] = entry
                if let challenge, auth == .none { return [.signAuth(challenge: challenge)] }
                return []
            }
            inFlight[eventID] = nil
            return [.publishResult(eventID: eventID, outcome: .from(accepted: accepted, message: text.utf8Prefix(Self.maximumTextBytes)))]

        case .eose(let subscriptionID):
            // Only our own subscriptions leave state behind: a relay cannot grow these sets with made-up ids.
            guard subscriptions[subscriptionID] != nil else {
                return [.unexpected("EOSE for unknown subscription '\(subscriptionID.utf8Prefix(64))'")]
            }
            completedInitialSync.insert(subscriptionID)
            rateLimitStrikes[subscriptionID] = nil
            return [.endOfStoredEvents(subscriptionID: subscriptionID)]

        case .closed(let subscriptionID, let fullText):
            guard subscriptions[subscriptionID] != nil else {
                return [.unexpected("CLOSED for unknown subscription '\(subscriptionID.utf8Prefix(64))'")]
            }
            let text = fullText.utf8Prefix(Self.maximumTextBytes)
            switch MachineReadablePrefix(message: text) {
            case .authRequired where auth != .authenticated:
                subscriptionsAwaitingAuth.insert(subscriptionID)
                if let challenge, auth == .none { return [.signAuth(challenge: challenge)] }
                return []
            case .rateLimited:
                // 2 s, 4 s, … 60 s while the relay keeps refusing; EOSE resets it.
                let strikes = rateLimitStrikes[subscriptionID, default: 0]
                rateLimitStrikes[subscriptionID] = strikes + 1
                let delay = Duration.seconds(min(60, 1 << min(strikes + 1, 6)))
                resubscribeAt[subscriptionID] = now + delay
                return [.resubscribeScheduled(subscriptionID: subscriptionID, after: delay)]
            default:
                subscriptions[subscriptionID] = nil
                return [.subscriptionClosed(subscriptionID: subscriptionID, message: text)]
            }

        case .notice(let text):
            return [.notice(text.utf8Prefix(Self.maximumTextBytes))]

        case .auth(let newChallenge):
            challenge = newChallenge
            if case .pending = auth { return [] }
            auth = .none
            return [.signAuth(challenge: newChallenge)]
        }
    }

    /// The earliest time ``tick(now:)`` has something to do: an OK or an AUTH answer whose wait runs out, or a
    /// rate-limited subscription due again. `nil` when nothing is pending, so the driver need not wake at all.
    public var nextDeadline: ContinuousClock.Instant? {
        var earliest = resubscribeAt.values.min()
        if case .pending(_, let deadline) = auth { earliest = min(earliest ?? deadline, deadline) }
        if let publish = inFlight.values.map(\.deadline).min() { earliest = min(earliest ?? publish, publish) }
        return earliest
    }

    /// Whether anything waits for ``tick(now:)`` (``nextDeadline`` is not `nil`), in constant time: the driver asks
    /// after every frame, while ``nextDeadline`` looks at every publish awaiting its OK (a burst's answers: hundreds).
    public var isWaiting: Bool {
        if case .pending = auth { return true }
        return !inFlight.isEmpty || !resubscribeAt.isEmpty
    }

    /// Advances time: publishes past their deadline time out, rate-limited subscriptions are re-sent when due,
    /// and an unanswered AUTH is assumed to have worked.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        for (id, due) in resubscribeAt.sorted(by: { $0.key < $1.key }) where now >= due {
            resubscribeAt[id] = nil
            if isConnected, let filters = subscriptions[id] { actions.append(.send(.req(subscriptionID: id, filters: filters))) }
        }
        if case .pending(_, let deadline) = auth, now >= deadline {
            // nostr-relay 1.14 never answers AUTH; retry what was refused rather than wait forever.
            actions += authFinished(accepted: true, message: "")
        }
        for (id, entry) in inFlight.sorted(by: { $0.key < $1.key }) where now >= entry.deadline {
            inFlight[id] = nil
            actions.append(.publishResult(eventID: id, outcome: .timedOut))
        }
        return actions
    }

    private mutating func authFinished(accepted: Bool, message: String) -> [Action] {
        var actions: [Action] = []
        if accepted {
            auth = .authenticated
            for id in subscriptionsAwaitingAuth.sorted() {
                if let filters = subscriptions[id] { actions.append(.send(.req(subscriptionID: id, filters: filters))) }
            }
            for (id, entry) in inFlight.sorted(by: { $0.key < $1.key }) where entry.awaitingAuth {
                inFlight[id]?.awaitingAuth = false
                actions.append(.send(.event(entry.event)))
            }
        } else {
            auth = .none
            for id in subscriptionsAwaitingAuth.sorted() {
                subscriptions[id] = nil
                actions.append(.subscriptionClosed(subscriptionID: id, message: "authentication refused: \(message)"))
            }
            for (id, entry) in inFlight.sorted(by: { $0.key < $1.key }) where entry.awaitingAuth {
                inFlight[id] = nil
                actions.append(.publishResult(eventID: id, outcome: .rejected(message: "authentication refused: \(message)")))
            }
        }
        subscriptionsAwaitingAuth = []
        return actions
    }
}
