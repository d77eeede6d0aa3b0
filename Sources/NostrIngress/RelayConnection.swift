import Foundation
import Logging
import NIOCore
import NostrCore
import WSClient

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
    private var outbound: WebSocketOutboundWriter?
    private var publishWaiters: [String: [CheckedContinuation<PublishOutcome, Never>]] = [:]
    /// Verdicts that arrived while `publish` was still writing the EVENT (actor reentrancy).
    private var earlyOutcomes: [String: PublishOutcome] = [:]
    private(set) var status: RelayStatus

    init(url: String, configuration: RelayConnectionConfiguration, keyPair: KeyPair?, capture: FrameCapture?,
         logger: Logger, subscriptions: @escaping @Sendable () async -> [String: [Filter]],
         deliver: @escaping @Sendable (InboundEvent) async -> Bool) {
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
        self.status = RelayStatus(url: url)
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
                logger.debug("reconnecting", metadata: ["in_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)"])
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
        var options = WebSocketClientConfiguration(maxFrameSize: configuration.maximumFrameSize,
                                                   autoPing: .enabled(timePeriod: configuration.pingInterval))
        options.ignoreUncleanSSLShutdownErrors = true
        let wsConfiguration = options
        let maximumFrameSize = configuration.maximumFrameSize
        let tickInterval = configuration.tickInterval
        let handshakeTimeout = configuration.handshakeTimeout
        let url = self.url
        let logger = self.logger
        do {
            let close = try await withThrowingTaskGroup(of: WebSocketCloseFrame??.self) { group in
                group.addTask {
                    .some(try await WebSocketClient.connect(url: url, configuration: wsConfiguration, logger: logger) { inbound, outbound, _ in
                await self.attach(outbound)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: tickInterval)
                            await self.tick()
                        }
                    }
                    for try await message in inbound.messages(maxSize: maximumFrameSize) {
                        switch message {
                        case .text(let frame): await self.receive(frame)
                        case .binary: await self.countMalformed("binary frame")
                        }
                    }
                    group.cancelAll()
                }
                    })
                }
                // A relay that accepts TCP but never finishes the upgrade must not hold the connection forever.
                group.addTask {
                    try await Task.sleep(for: handshakeTimeout)
                    if await !self.isAttached { throw RelayConnectionError.handshakeTimedOut(handshakeTimeout) }
                    return .none
                }
                while let result = try await group.next() {
                    if case .some(let close) = result {
                        group.cancelAll()
                        return close
                    }
                }
                return nil
            }
            status.lastError = close.map { "closed by relay (\($0.closeCode))\($0.reason.map { ": \($0)" } ?? "")" } ?? "connection closed"
        } catch is CancellationError {
            status.lastError = "cancelled"
        } catch {
            status.lastError = "\(error)"
            logger.info("relay connection failed", metadata: ["error": "\(error)"])
        }
        finishDisconnected(reason: status.lastError ?? "connection closed")
    }

    private var isAttached: Bool { outbound != nil }

    private func attach(_ writer: WebSocketOutboundWriter) async {
        outbound = writer
        _ = lifecycle.connected(at: .now)
        status.state = .connected
        status.subscriptionsAtEOSE = []
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
        await perform(session.receive(frame, now: .now))
    }

    private func tick() async {
        await perform(session.tick(now: .now))
    }

    private func countMalformed(_ detail: String) {
        status.malformedFrames += 1
        logger.warning("malformed frame from relay", metadata: ["detail": "\(detail)"])
    }

    /// Publishes `event` and waits for this relay's verdict (OK, timeout or disconnect).
    func publish(_ event: Event) async -> PublishOutcome {
        earlyOutcomes[event.id] = nil
        await perform(session.publish(event, now: .now))
        if let outcome = earlyOutcomes.removeValue(forKey: event.id) { return outcome }
        return await withCheckedContinuation { continuation in
            publishWaiters[event.id, default: []].append(continuation)
        }
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
                do { try await outbound.write(.text(message.jsonString)) } catch {
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
                if !(await deliver(InboundEvent(relay: url, subscriptionID: subscriptionID, event: event, receivedAt: Date()))) {
                    status.duplicatesDropped += 1
                }
            case .publishResult(let id, let outcome):
                resolve(id, outcome)
            case .endOfStoredEvents(let subscriptionID):
                status.subscriptionsAtEOSE.insert(subscriptionID)
            case .subscriptionClosed(let subscriptionID, let message):
                status.lastError = "subscription \(subscriptionID) closed: \(message)"
                logger.warning("relay closed subscription", metadata: ["subscription": "\(subscriptionID)", "message": "\(message)"])
            case .resubscribeScheduled(let subscriptionID, let delay):
                logger.notice("relay rate-limited subscription", metadata: ["subscription": "\(subscriptionID)", "retry_in": "\(delay)"])
            case .notice(let text):
                status.notices += 1
                logger.info("relay notice", metadata: ["notice": "\(text.prefix(300))"])
            case .malformedFrame(let error):
                countMalformed(error.description)
            case .unexpected(let detail):
                logger.debug("unexpected frame", metadata: ["detail": "\(detail)"])
            }
        }
    }
}
