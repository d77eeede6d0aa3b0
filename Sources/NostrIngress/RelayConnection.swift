import Encoding
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import NostrCore

/// One relay: keeps a websocket open (reconnecting with backoff), runs the session state machine, and carries
/// out its actions. Owned and run by ``RelayPool``.
actor RelayConnection {
    let url: String
    private let configuration: RelayConnectionConfiguration
    private let keyPair: KeyPair?
    private let logger: Logger
    private let capture: FrameCapture?
    private let subscriptions: @Sendable () async -> [String: [Filter]]
    /// Hands an event to the pool; `false` when another relay delivered it first.
    private let deliver: @Sendable (InboundEvent) async -> Bool
    private var lifecycle: RelayConnectionStateMachine
    private var session: RelaySessionStateMachine
    private var outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>?
    private var publishWaiters: [String: [CheckedContinuation<PublishOutcome, Never>]] = [:]
    /// Verdicts that came before their publish waited for them: while `publish` was still writing the EVENT (actor
    /// reentrancy), or after ``send(_:)`` wrote it. At most ``maximumEarlyOutcomes``.
    private var earlyOutcomes: [String: PublishOutcome] = [:]
    static let maximumEarlyOutcomes = 4_096
    private(set) var status: RelayStatus
    /// Lines this relay's frames may put in the log (NOTICEs, malformed frames, closed subscriptions, unexpected
    /// frames): a hostile relay's flood costs a few lines.
    private var logBudget = LogBudget()
    /// Whether the reader is waiting for room in the pool's buffer (backpressure): pongs are not read meanwhile,
    /// so a missing pong then is not a dead peer.
    private var delivering = false
    /// Wakes the connection's ticker when the session has a deadline again (it sleeps while nothing is pending).
    private var wake: AsyncStream<Void>.Continuation?
    /// Whether the reader fell behind the relay, and when to ask it again for what it may have dropped meanwhile.
    private var backlog: BacklogWatch?
    /// Asks again, page by page, for what the relay stored while the reader was behind.
    private var pager = CatchUpPager()

    init(
        url: String, configuration: RelayConnectionConfiguration, keyPair: KeyPair?, capture: FrameCapture?,
        logger: Logger, subscriptions: @escaping @Sendable () async -> [String: [Filter]],
        deliver: @escaping @Sendable (InboundEvent) async -> Bool
    ) {
        self.url = url
        self.configuration = configuration
        self.keyPair = keyPair
        self.capture = capture
        var logger = logger
        logger[metadataKey: "relay"] = .string(url)
        self.logger = logger
        self.subscriptions = subscriptions
        self.deliver = deliver
        self.lifecycle = RelayConnectionStateMachine(configuration: configuration.backoff)
        self.session = RelaySessionStateMachine(configuration: configuration.session)
        self.backlog = configuration.backlog.map { BacklogWatch(configuration: $0) }
        self.status = RelayStatus(url: url)
        // The websocket handshake's types are made here, while a pool is assembled, not when its connections first
        // dial at once, nor beside the first Gitea request of a restart's recovery (same HTTP decoder types).
        _ = RelaySocket.typeMetadataReady
    }

    /// Connects and reconnects until the task is cancelled.
    func run() async {
        var action = lifecycle.start()
        while !Task.isCancelled {
            switch action {
            case .connect:
                status.state = .connecting
                await connectOnce()
                guard !Task.isCancelled else { break }
                action = lifecycle.connectionEnded(at: .now, jitter: Double.random(in: 0..<1))
                status.reconnects = lifecycle.reconnects
            case .reconnect(let at, let delay):
                status.state = .waiting
                logger.debug(
                    "reconnecting", metadata: ["in_ms": "\(delay.inNanoseconds / 1_000_000)"])
                try? await Task.sleep(until: at, clock: .continuous)
                action = lifecycle.reconnectTimerFired()
            case .none:
                return
            }
        }
        lifecycle.stop()
        status.state = .stopped
        finishDisconnected(reason: "shutting down")
    }

    private func connectOnce() async {
        let pingInterval = configuration.pingInterval
        let tickInterval = configuration.tickInterval
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        defer { wake.finish() }
        do {
            let channel = try await RelaySocket.connect(
                url: url, maximumMessageSize: configuration.maximumFrameSize,
                handshakeTimeout: configuration.handshakeTimeout)
            let closeMessage = try await channel.executeThenClose { inbound, outbound -> String in
                await self.attach(outbound)
                // Reader, ticker and keepalive run side by side; whichever ends first (EOF, close frame, missing
                // pong, error) ends the connection.
                return try await withThrowingTaskGroup(of: String?.self) { group -> String in
                    group.addTask {
                        // Ticks only while the session waits for something (an OK, an AUTH answer, a
                        // resubscription) or the reader is behind; otherwise it sleeps until woken, so an idle
                        // connection costs no wakeups.
                        var wakeups = wakes.makeAsyncIterator()
                        while !Task.isCancelled {
                            if await self.hasDeadline() {
                                try await Task.sleep(for: tickInterval)
                                await self.tick()
                            } else if await wakeups.next() == nil {
                                break
                            }
                        }
                        return nil
                    }
                    group.addTask {
                        // A ping each interval; a ping still unanswered at the next one means a dead peer.
                        while !Task.isCancelled {
                            try await Task.sleep(for: pingInterval)
                            guard await self.pingDue() else { throw RelaySocket.Failure.pongMissing(pingInterval) }
                            try await outbound.write(RelaySocket.control(.ping, data: ByteBuffer(string: "og")))
                        }
                        return nil
                    }
                    group.addTask {
                        for try await frame in inbound {
                            switch frame.opcode {
                            case .text: await self.receive(String(buffer: frame.unmaskedData))
                            case .binary: await self.countMalformed("binary frame")
                            case .ping: try await outbound.write(RelaySocket.control(.pong, data: frame.unmaskedData))
                            case .pong: await self.pongReceived()
                            case .connectionClose:
                                var data = frame.unmaskedData
                                let code = data.readInteger(as: UInt16.self).map(String.init) ?? "no code"
                                try? await outbound.write(RelaySocket.control(.connectionClose, data: frame.unmaskedData))
                                return "closed by relay (\(code))"
                            default: continue
                            }
                        }
                        return "connection closed by relay"
                    }
                    defer { group.cancelAll() }
                    while let ended = try await group.next() {
                        if let ended { return ended }
                    }
                    return "connection closed"
                }
            }
            status.lastError = closeMessage
        } catch is CancellationError {
            status.lastError = "cancelled"
        } catch {
            status.lastError = "\(error)"
            logger.info("relay connection failed", metadata: ["error": "\(error)"])
        }
        finishDisconnected(reason: status.lastError ?? "connection closed")
    }

    private var awaitingPong = false

    /// Whether the previous ping was answered; marks a new ping as sent.
    private func pingDue() -> Bool {
        if awaitingPong && !delivering { return false }
        awaitingPong = true
        return true
    }

    private func pongReceived() { awaitingPong = false }

    private func attach(_ writer: NIOAsyncChannelOutboundWriter<WebSocketFrame>) async {
        outbound = writer
        awaitingPong = false
        _ = lifecycle.connected(at: .now)
        status.state = .connected
        status.subscriptionsAtEOSE = []
        backlog?.reset()
        pager.reset()
        logger.info("relay connected")
        let actions = session.connected(subscriptions: await subscriptions())
        await perform(actions)
    }

    private func finishDisconnected(reason: String) {
        outbound = nil
        if status.state == .connected { status.state = .waiting }
        let actions = session.disconnected(reason: reason)
        for action in actions {
            if case .publishResult(let id, let outcome) = action { resolve(id, outcome) }
        }
    }

    private func receive(_ frame: String) async {
        capture?.record(CapturedFrame(relay: url, receivedAt: Date().timeIntervalSince1970, frame: frame))
        if let prescreen = configuration.prescreen, let summary = EventPrescreen.summary(frame), !prescreen(summary) {
            status.prescreened += 1
            return
        }
        await perform(session.receive(frame, now: .now))
    }

    private func tick() async {
        await perform(session.tick(now: .now))
        if case .catchUp(let since) = backlog?.tick(now: .now) { await catchUp(behindSince: since) }
    }

    private func hasDeadline() -> Bool { session.isWaiting || backlog?.deadline != nil }

    /// Asks again for what the relay stored since the reader fell behind (``BacklogWatch``), on one-shot
    /// subscriptions paged by ``CatchUpPager``: the subscriptions' filters with `since` no later than when it fell
    /// behind, less the clock skew cursors allow. What came already is dropped by the pool as an exact copy.
    private func catchUp(behindSince: ContinuousClock.Instant) async {
        let behind = ContinuousClock.now - behindSince
        let floor = max(0, Int64(Date().timeIntervalSince1970) - behind.components.seconds - 1 - InboxCursor.skew)
        status.catchUps += 1
        log(
            .notice, "fell behind this relay; asking again for what it stored meanwhile (a relay may drop live events for a slow reader)",
            ["behind_ms": "\(behind.inNanoseconds / 1_000_000)"])
        let floored = await subscriptions().mapValues { filters in
            filters.map { filter in
                var filter = filter
                if let since = filter.since { filter.since = min(since, floor) }
                return filter
            }
        }
        for (id, filters) in pager.start(floored) { await perform(session.subscribe(id, filters: filters)) }
    }

    private func countMalformed(_ detail: String) {
        status.malformedFrames += 1
        log(.warning, "malformed frame from relay", ["detail": "\(detail.utf8Prefix(300))"])
    }

    /// Writes a line caused by this relay's frames, within its ``LogBudget``.
    private func log(_ level: Logger.Level, _ message: Logger.Message, _ metadata: Logger.Metadata) {
        guard logger.logLevel <= level else { return }
        switch logBudget.ask(now: .now) {
        case .suppress:
            return
        case .write(let suppressed):
            var metadata = metadata
            if suppressed > 0 { metadata["suppressed_before"] = "\(suppressed)" }
            logger.log(level: level, message, metadata: metadata)
        }
    }

    /// Publishes `event` and waits for this relay's verdict (OK, timeout or disconnect). An event ``send(_:)`` wrote
    /// is not written again: this waits for (or takes) the verdict on that write.
    func publish(_ event: Event) async -> PublishOutcome {
        if let outcome = earlyOutcomes.removeValue(forKey: event.id) { return outcome }
        await send(event)
        if let outcome = earlyOutcomes.removeValue(forKey: event.id) { return outcome }
        return await withCheckedContinuation { continuation in
            publishWaiters[event.id, default: []].append(continuation)
        }
    }

    /// Writes `event` without waiting for the verdict, which the next ``publish(_:)`` of it returns; nothing when it
    /// is already waiting for one.
    func send(_ event: Event) async {
        guard !session.awaitsVerdict(on: event.id) else { return }
        await perform(session.publish(event, now: .now))
    }

    /// Waits until connected, or `timeout` passes. Returns whether connected.
    func waitUntilConnected(timeout: Duration) async -> Bool {
        if outbound != nil { return true }
        let deadline = ContinuousClock.now + timeout
        while outbound == nil && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(25))
        }
        return outbound != nil
    }

    private func resolve(_ id: String, _ outcome: PublishOutcome) {
        guard let waiters = publishWaiters.removeValue(forKey: id) else {
            // Kept for the publish that asks; bounded, since a sent event's publish may never come (shutdown). One
            // dropped here is written again by its publish.
            if earlyOutcomes.count >= Self.maximumEarlyOutcomes { earlyOutcomes.remove(at: earlyOutcomes.startIndex) }
            earlyOutcomes[id] = outcome
            return
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    private func perform(_ actions: [RelaySessionStateMachine.Action]) async {
        for action in actions {
            switch action {
            case .send(let message):
                guard let outbound else { continue }
                do { try await outbound.write(RelaySocket.text(message.jsonString)) } catch {
                    logger.debug("write failed", metadata: ["error": "\(error)"])
                }
            case .signAuth(let challenge):
                guard let keyPair else {
                    logger.notice("relay asks for NIP-42 AUTH but no key is configured")
                    continue
                }
                let event = NIP42.authEvent(relayURL: url, challenge: challenge, keyPair: keyPair, now: Int64(Date().timeIntervalSince1970))
                logger.debug("answering AUTH challenge")
                await perform(session.authSigned(event, now: .now))
            case .deliver(let subscriptionID, let event):
                status.eventsReceived += 1
                if pager.isActive { pager.received(subscriptionID: subscriptionID, createdAt: event.createdAt) }
                // Waits while the pool's buffer is full: this relay's frames stay unread in the socket (TCP backpressure).
                delivering = true
                let handOff = ContinuousClock.now
                let first = await deliver(InboundEvent(relay: url, subscriptionID: subscriptionID, event: event, receivedAt: Date()))
                let handedOff = ContinuousClock.now
                delivering = false
                if !first { status.duplicatesDropped += 1 }
                if case .catchUp(let since) = backlog?.handedOff(waited: handedOff - handOff, at: handedOff) {
                    await catchUp(behindSince: since)
                }
            case .publishResult(let id, let outcome):
                resolve(id, outcome)
            case .endOfStoredEvents(let subscriptionID):
                switch pager.endOfStoredEvents(subscriptionID) {
                case .notCatchingUp: status.subscriptionsAtEOSE.insert(subscriptionID)
                case .next(let id, let filters): await perform(session.subscribe(id, filters: filters))
                case .done(let id): await perform(session.unsubscribe(id))
                }
            case .subscriptionClosed(let subscriptionID, let message):
                status.lastError = "subscription \(subscriptionID) closed: \(message)"
                log(.warning, "relay closed subscription", ["subscription": "\(subscriptionID)", "message": "\(message)"])
            case .resubscribeScheduled(let subscriptionID, let delay):
                log(.notice, "relay rate-limited subscription", ["subscription": "\(subscriptionID)", "retry_in": "\(delay)"])
            case .notice(let text):
                status.notices += 1
                log(.info, "relay notice", ["notice": "\(text)"])
            case .malformedFrame(let error):
                countMalformed(error.description)
            case .unexpected(let detail):
                status.unexpectedFrames += 1
                log(.debug, "unexpected frame", ["detail": "\(detail)"])
            }
        }
        if hasDeadline() { wake?.yield() }
    }
}
