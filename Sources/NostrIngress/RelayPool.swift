import Foundation
import Logging
import NostrCore

/// One connection per relay in a ``RelayList``, merged into one stream of events deduplicated by id, and
/// confirmed publishing to the write relays.
///
/// ```swift
/// let pool = RelayPool(relays: list, keyPair: bot, logger: logger) { cursor.filters(…) }
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { await pool.run() }
///     for await inbound in pool.events { … }
/// }
/// ```
public final class RelayPool: Sendable {
    /// Events from every read relay, each exact copy once (first arrival wins; later identical copies are counted as
    /// duplicates). Different events claiming one id all pass: only the inbox, after verifying, can tell which is real.
    ///
    /// A small bounded buffer (``IngressBuffer``): readers read a little ahead of the consumer. Once it is full, a
    /// relay's reader waits, its frames stay in its socket (TCP backpressure) instead of memory, and the connection
    /// catches up later on what the relay may have dropped meanwhile. Consume it whenever the pool subscribes to
    /// anything.
    public let events: IngressBuffer<InboundEvent>
    private let connections: [String: RelayConnection]
    private let readURLs: [String]
    private let writeURLs: [String]
    private let seen: DeduplicationBook
    private let logger: Logger

    /// - Parameters:
    ///   - keyPair: signs NIP-42 AUTH answers; `nil` leaves challenges unanswered.
    ///   - capture: records every inbound frame.
    ///   - buffer: how many events (and bytes) ``events`` holds before relays' readers wait.
    ///   - subscriptions: called on every (re)connect of a read relay; returns the REQs to send, so `since`
    ///     values follow the persisted cursors.
    public init(
        relays: RelayList, keyPair: KeyPair?, configuration: RelayConnectionConfiguration = .init(),
        capture: FrameCapture? = nil, logger: Logger, dedupCapacity: Int = 100_000,
        buffer: IngressBuffer<InboundEvent>.Limits = .standard,
        subscriptions: @escaping @Sendable () async -> [String: [Filter]]
    ) {
        let events = IngressBuffer<InboundEvent>(limits: buffer)
        self.events = events
        self.logger = logger
        let seen = DeduplicationBook(capacity: dedupCapacity)
        self.seen = seen
        var connections: [String: RelayConnection] = [:]
        let noSubscriptions: @Sendable () async -> [String: [Filter]] = { [:] }
        for relay in relays.relays {
            connections[relay.url] = RelayConnection(
                url: relay.url, configuration: configuration, keyPair: keyPair, capture: capture, logger: logger,
                subscriptions: relay.read ? subscriptions : noSubscriptions,
                deliver: { inbound in
                    guard await seen.firstSighting(of: inbound.event, on: inbound.relay) else { return false }
                    await events.send(inbound, bytes: Self.footprint(of: inbound.event))
                    return true
                })
        }
        self.connections = connections
        self.readURLs = relays.readRelays.map(\.url)
        self.writeURLs = relays.writeRelays.map(\.url)
    }

    /// Runs every connection until the surrounding task is cancelled; then finishes ``events``.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for connection in connections.values {
                group.addTask { await connection.run() }
            }
        }
        events.finish()
    }

    /// Waits until every relay is connected or `timeout` passes; returns the connected URLs.
    @discardableResult
    public func waitForConnections(timeout: Duration) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for (url, connection) in connections {
                group.addTask { await connection.waitUntilConnected(timeout: timeout) ? url : nil }
            }
            var connected: [String] = []
            for await url in group { if let url { connected.append(url) } }
            return connected.sorted()
        }
    }

    /// The relays on which an event id was seen (first one first).
    public func relays(seenFor eventID: String) async -> [String] {
        await seen.relays(for: eventID)
    }

    /// Per-relay status.
    public func status() async -> [RelayStatus] {
        var all: [RelayStatus] = []
        for url in connections.keys.sorted() { all.append(await connections[url]!.status) }
        return all
    }

    /// Publishes to every write relay and waits for their OKs. Relays that failed in a retryable way are tried
    /// again with backoff (1 s, 2 s, 4 s…) until one relay accepted or `deadline` passed.
    public func publish(_ event: Event, deadline: Duration = .seconds(30)) async -> PublishReport {
        let end = ContinuousClock.now + deadline
        var outcomes: [String: PublishOutcome] = [:]
        var pending = writeURLs
        var attempt = 0
        while true {
            attempt += 1
            let round = await withTaskGroup(of: (String, PublishOutcome).self) { group in
                for url in pending {
                    let connection = connections[url]!
                    group.addTask { (url, await connection.publish(event)) }
                }
                var results: [(String, PublishOutcome)] = []
                for await result in group { results.append(result) }
                return results
            }
            for (url, outcome) in round { outcomes[url] = outcome }
            pending = round.filter { $0.1.isRetryable }.map(\.0).sorted()
            let report = PublishReport(eventID: event.id, outcomes: outcomes, attempts: attempt)
            let delay = Duration.seconds(min(8, 1 << min(attempt - 1, 3)))
            if report.succeeded || pending.isEmpty || ContinuousClock.now + delay >= end || Task.isCancelled {
                logger.debug("published", metadata: ["event": "\(event.id)", "accepted": "\(report.accepted)", "attempts": "\(attempt)"])
                return report
            }
            try? await Task.sleep(for: delay)
        }
    }

    /// Writes `event` to every write relay without waiting for their OKs: a ``publish(_:deadline:)`` of it afterwards
    /// waits for the verdicts on these writes instead of writing it again. For an answer that should leave at once
    /// while its publisher takes its turn.
    public func send(_ event: Event) async {
        for url in writeURLs { await connections[url]!.send(event) }
    }

    /// The URLs of the read relays.
    public var readRelayURLs: [String] { readURLs }

    /// What an event costs against ``IngressBuffer/Limits-swift.struct/bytes``: its content and tags as UTF-8, plus
    /// its fixed fields and their bookkeeping (512 bytes).
    static func footprint(of event: Event) -> Int {
        event.tags.reduce(512 + event.content.utf8.count) { total, tag in tag.reduce(total + 16) { $0 + $1.utf8.count + 16 } }
    }
}

/// Which events were seen, on which relays; bounded.
///
/// Copies are told apart by their whole content, not by the id they claim: nothing here has verified the
/// signature yet, so a hostile relay could send a forged event under a real event's id (one signature bit
/// flipped, say) ahead of the honest relays. Keyed by id alone, that forgery would make the real copy a
/// "duplicate" that never reaches the inbox. Keyed by ``ExactCopy`` (the id plus a keyed hash of every field),
/// only identical bytes are dropped here; the inbox deduplicates by id after verification.
actor DeduplicationBook {
    /// An event id and a hash of all the event's fields under this process's random hashing seed (SipHash), so a
    /// relay cannot make a different event collide with a real one on purpose.
    struct ExactCopy: Hashable, Sendable {
        let id: String
        let fingerprint: Int
        init(_ event: Event) {
            id = event.id
            fingerprint = event.hashValue
        }
    }

    private var order: BoundedSet<ExactCopy>
    private var relaysByCopy: [ExactCopy: [String]] = [:]
    /// The copies remembered per claimed id (almost always one), so ``relays(for:)`` need not scan the book.
    private var copiesByID: [String: [ExactCopy]] = [:]
    /// Relays per entry are few (those of the relay list), but bounded anyway.
    private let maximumRelaysPerEntry = 16

    init(capacity: Int) { order = BoundedSet(capacity: capacity) }

    /// Records a sighting; `true` only the first time this exact event is seen.
    func firstSighting(of event: Event, on relay: String) -> Bool {
        let copy = ExactCopy(event)
        let (inserted, evicted) = order.insertEvicting(copy)
        if inserted {
            relaysByCopy[copy] = [relay]
            copiesByID[copy.id, default: []].append(copy)
            if let evicted { forget(evicted) }
            return true
        }
        if var relays = relaysByCopy[copy], !relays.contains(relay), relays.count < maximumRelaysPerEntry {
            relays.append(relay)
            relaysByCopy[copy] = relays
        }
        return false
    }

    private func forget(_ copy: ExactCopy) {
        relaysByCopy[copy] = nil
        copiesByID[copy.id]?.removeAll { $0 == copy }
        if copiesByID[copy.id]?.isEmpty == true { copiesByID[copy.id] = nil }
    }

    /// The relays that delivered copies claiming this id (first one first).
    func relays(for id: String) -> [String] {
        var relays: [String] = []
        for copy in copiesByID[id] ?? [] {
            for relay in relaysByCopy[copy] ?? [] where !relays.contains(relay) { relays.append(relay) }
        }
        return relays
    }
}
