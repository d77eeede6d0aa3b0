import Logging
import NostrCore
import ServiceLifecycle

/// Short-lived connections to relays outside the pool: the operators' DM inbox relays, the relay-list indexers
/// (`discovery_relays`), a recipient's relays for `dm send`.
///
/// Connections answer NIP-42 AUTH challenges with ``keyPair`` (many inbox relays serve and accept kind 1059 only
/// after AUTH). While ``run()`` runs (a service of the bot), publishing connections are kept between events and
/// closed after `idleTimeout` without use, at most ``maximumConnections`` of them; otherwise, and for queries, each
/// call opens one connection per relay (at most ``maximumConnections`` at once), does its one job and closes it.
/// Every wait is bounded by the call's `timeout`.
public struct OnDemandRelays: Sendable, Service {
    /// Signs AUTH answers; `nil` leaves challenges unanswered.
    public let keyPair: KeyPair?
    /// Connections open at once, over all relays of one call.
    public let maximumConnections: Int
    private let configuration: RelayConnectionConfiguration
    private let logger: Logger
    /// The relays' NIP-11 limits, checked before an event is sent.
    private let information: RelayInformationCache
    private let kept: OnDemandConnections

    /// - Parameter configuration: the pool's settings; its prescreen is not used (it is the inbox's).
    public init(
        keyPair: KeyPair?, maximumConnections: Int = 16, idleTimeout: Duration = .seconds(60), configuration: RelayConnectionConfiguration = .init(),
        logger: Logger
    ) {
        var configuration = configuration
        configuration.prescreen = nil
        (self.keyPair, self.configuration, self.logger) = (keyPair, configuration, logger)
        information = RelayInformationCache()
        kept = OnDemandConnections(maximum: max(1, maximumConnections), idle: idleTimeout)
        self.maximumConnections = max(1, maximumConnections)
    }

    /// The events matching `filters` that `urls` hold, each relay read until its EOSE or `timeout`. Only events whose
    /// id and signature verify are returned, each id once, at most `maximumEvents` per relay.
    public func query(_ filters: [Filter], on urls: [String], timeout: Duration, maximumEvents: Int = 200) async -> [Event] {
        var seen: Set<String> = []
        return await queryEach(filters, on: urls, timeout: timeout, maximumEvents: maximumEvents).flatMap(\.events).filter {
            seen.insert($0.id).inserted
        }
    }

    /// ``query(_:on:timeout:maximumEvents:)`` relay by relay: what each of `urls` holds (verified), in the order of
    /// `urls`, each URL once.
    public func queryEach(
        _ filters: [Filter], on urls: [String], timeout: Duration, maximumEvents: Int = 200
    ) async -> [(relay: String, events: [Event])] {
        await forEach(urls) { url in await self.queryOne(filters, url: url, timeout: timeout, maximumEvents: maximumEvents) }
            .map { (relay: $0.0, events: $0.1) }
    }

    /// Publishes `event` to each of `urls` and waits for their verdicts (OK, refusal, or not reached within `timeout`).
    /// A relay whose NIP-11 document says the event cannot be taken (too long, AUTH required and no key) is not sent
    /// it: its outcome is a rejection saying why.
    public func publish(_ event: Event, to urls: [String], timeout: Duration) async -> PublishReport {
        let outcomes = await forEach(urls) { url -> PublishOutcome in
            if let reason = await self.information.information(for: url)?.refusal(for: event, canAuthenticate: self.keyPair != nil) {
                return .rejected(message: "not sent: \(reason)")
            }
            let send: @Sendable (RelayConnection) async -> PublishOutcome = { connection in
                guard await connection.waitUntilConnected(timeout: timeout) else {
                    return .notConnected("could not connect within \(timeout)")
                }
                return await connection.publish(event)
            }
            if let connection = await self.kept.lease(url, make: { self.connection(url, subscriptions: [:], deliver: { _ in false }) }) {
                let outcome = await send(connection)
                await self.kept.release(url)
                return outcome
            }
            return await self.withConnection(url: url, subscriptions: [:], deliver: { _ in false }, send)
        }
        return PublishReport(eventID: event.id, outcomes: Dictionary(outcomes, uniquingKeysWith: { first, _ in first }), attempts: 1)
    }

    private func queryOne(_ filters: [Filter], url: String, timeout: Duration, maximumEvents: Int) async -> [Event] {
        let collected = EventCollector(limit: maximumEvents)
        let subscription = "og-query"
        return await withConnection(url: url, subscriptions: [subscription: filters], deliver: { await collected.add($0.event) }) {
            connection in
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline, !Task.isCancelled {
                if await connection.status.subscriptionsAtEOSE.contains(subscription) { break }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return await collected.events.filter(\.isValid)
        }
    }

    /// Runs `body` against a connection to `url` that lives only for the call.
    private func withConnection<T: Sendable>(
        url: String, subscriptions: [String: [Filter]], deliver: @escaping @Sendable (InboundEvent) async -> Bool,
        _ body: @escaping @Sendable (RelayConnection) async -> T
    ) async -> T {
        let connection = connection(url, subscriptions: subscriptions, deliver: deliver)
        return await withTaskGroup(of: T?.self) { group in
            group.addTask {
                await connection.run()
                return nil
            }
            let result = await body(connection)
            group.cancelAll()
            return result
        }
    }

    private func connection(
        _ url: String, subscriptions: [String: [Filter]], deliver: @escaping @Sendable (InboundEvent) async -> Bool
    ) -> RelayConnection {
        RelayConnection(
            url: url, configuration: configuration, keyPair: keyPair, capture: nil, logger: logger, subscriptions: { subscriptions },
            deliver: deliver)
    }

    /// Keeps publishing connections open between events until cancelled (or a graceful shutdown), then closes them.
    public func run() async {
        await cancelWhenGracefulShutdown { await kept.run() }
    }

    /// The relays with a kept publishing connection.
    public var keptRelays: [String] { get async { await kept.openRelays } }

    /// `work` for each distinct URL, at most ``maximumConnections`` at a time; results in the order of `urls`.
    private func forEach<T: Sendable>(_ urls: [String], _ work: @escaping @Sendable (String) async -> T) async -> [(String, T)] {
        var distinct: [String] = []
        for url in urls where !distinct.contains(url) { distinct.append(url) }
        var results: [String: T] = [:]
        var index = 0
        await withTaskGroup(of: (String, T).self) { group in
            while index < distinct.count && index < maximumConnections {
                let url = distinct[index]
                group.addTask { (url, await work(url)) }
                index += 1
            }
            for await (url, result) in group {
                results[url] = result
                if index < distinct.count {
                    let next = distinct[index]
                    group.addTask { (next, await work(next)) }
                    index += 1
                }
            }
        }
        return distinct.map { ($0, results[$0]!) }
    }
}

extension OnDemandRelays: CustomStringConvertible {
    /// Short, and without the key (the service group logs its services).
    public var description: String { "OnDemandRelays(maximumConnections: \(maximumConnections))" }
}

/// Events one query received, bounded.
private actor EventCollector {
    private(set) var events: [Event] = []
    private let limit: Int
    init(limit: Int) { self.limit = limit }

    func add(_ event: Event) -> Bool {
        guard events.count < limit else { return false }
        events.append(event)
        return true
    }
}
