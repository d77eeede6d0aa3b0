import Foundation
import Logging
import NIOConcurrencyHelpers
import NostrCore
import TestSupport
import Testing

@testable import NostrIngress

/// rust-nostr's LocalRelay skips live events for a connection that falls more than 1,024 behind (its broadcast
/// channel lags), without a word. A burst the reader cannot take at once loses events that way unless the pool
/// notices it fell behind and asks again once it caught up (``BacklogWatch``).
@Suite(.serialized) struct RelayCatchUpTests {
    static let count = 5_000

    struct Outcome {
        /// Distinct events received, by how many seconds before the burst's start they were stamped.
        let receivedByAge: [Int64: Int]
        let catchUps: Int
        /// Event frames the relay sent, copies included.
        let frames: Int

        var received: Int { receivedByAge.values.reduce(0, +) }
    }

    /// 100 events a second over the last 50 seconds: more than one REQ returns (LocalRelay: 500), fewer in any one
    /// second. Ages in seconds, in publishing order.
    static let spread: [Int64] = (0..<count).map { Int64($0 / 100) }

    /// Kind-4 events of about 1 KB each, `#p`-tagged to a reader and stamped `ages` seconds ago (in that order),
    /// published to a fresh LocalRelay while the reader's consumer takes nothing; then the consumer takes everything.
    /// Returns the distinct events that reached it (once 3 s pass without an event frame) and how often it caught up.
    static func burst(
        configuration: RelayConnectionConfiguration, buffer: IngressBuffer<InboundEvent>.Limits = .standard, ages: [Int64] = spread
    ) async throws -> Outcome {
        let relay = try RelayProcess(.localRelay(unlimited: true))
        let reader = KeyPair(secretKey: .generate())
        let author = KeyPair(secretKey: .generate())
        let now = Int64(Date().timeIntervalSince1970)
        let pool = RelayPool(
            relays: try RelayList([RelayEndpoint(url: relay.url)]), keyPair: reader, configuration: configuration,
            logger: Logger(label: "test.reader"), buffer: buffer
        ) { ["dm": [Filter(kinds: [4], tags: ["p": [reader.publicKey.hex]], since: now - 120)]] }
        let padding = String(repeating: "x", count: 1_000)
        let events = ages.enumerated().map { index, age in
            EventTemplate(kind: 4, content: "\(padding) \(index)", tags: [["p", reader.publicKey.hex]], createdAt: now - age)
                .sign(with: author)
        }
        return try await withThrowingTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                await pool.run()
                return nil
            }
            group.addTask {
                #expect(await pool.waitForConnections(timeout: .seconds(5)) == [relay.url])
                try await Self.waitForEOSE(pool)
                // Nobody takes the reader's events while the burst is published.
                #expect(try await RealRelayTests.publish(events, to: relay.url, as: author, width: 64))
                return await Self.drain(pool, since: now)
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                if let outcome { return outcome }
            }
            throw BurstFailure("the pool ended before the burst was drained")
        }
    }

    struct BurstFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func waitForEOSE(_ pool: RelayPool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while await pool.status().first?.subscriptionsAtEOSE.contains("dm") != true {
            guard ContinuousClock.now < deadline else { throw BurstFailure("no EOSE for the reader's subscription within 5 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Takes the pool's events until 3 s pass without an event frame from the relay, a copy included (at most 60 s);
    /// counts distinct ids by their age in seconds before `now`. A catch-up asks for the newest events first, so its
    /// first pages are copies of what came live: under ThreadSanitizer they took more than 3 s before the first
    /// dropped event came, and a drain that waited for new ids only stopped in the middle of the catch-up.
    static func drain(_ pool: RelayPool, since now: Int64) async -> Outcome {
        let received = NIOLockedValueBox<[String: Int64]>([:])
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await inbound in pool.events { received.withLockedValue { $0[inbound.event.id] = now - inbound.event.createdAt } }
            }
            var last = (count: -1, at: ContinuousClock.now)
            let end = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < end {
                try? await Task.sleep(for: .milliseconds(100))
                let count = await pool.status().first?.eventsReceived ?? 0
                if count != last.count {
                    last = (count, ContinuousClock.now)
                } else if ContinuousClock.now - last.at > .seconds(3) {
                    break
                }
            }
            group.cancelAll()
            let byAge = Dictionary(grouping: received.withLockedValue { Array($0.values) }, by: { $0 }).mapValues(\.count)
            let status = await pool.status().first
            return Outcome(receivedByAge: byAge, catchUps: status?.catchUps ?? -1, frames: status?.eventsReceived ?? -1)
        }
    }

    /// The reader fell behind and caught up: it asked again and got every event of the burst, each once.
    @Test func aReaderThatFellBehindGetsWhatTheRelayDroppedMeanwhile() async throws {
        let outcome = try await Self.burst(configuration: .init())
        print("catch-up on: \(outcome.received) of \(Self.count) events in \(outcome.frames) frames, \(outcome.catchUps) catch-ups")
        #expect(outcome.received == Self.count)
        #expect(outcome.catchUps >= 1)
    }

    /// 1,500 events stamped with one second are published first, then 3,500 over the 35 seconds before it (100 a
    /// second), all while the reader takes nothing: the relay drops mostly the later ones. Catching up, the first
    /// page is the full newest second; the pager goes on from the second before it and reaches every older one.
    /// (When it stopped at a page of one second, these older seconds stayed lost.)
    @Test func aCatchUpReachesPastASecondHoldingMoreThanAPage() async throws {
        let ages = [Int64](repeating: 1, count: 1_500) + (0..<3_500).map { Int64(2 + $0 / 100) }
        let outcome = try await Self.burst(configuration: .init(), ages: ages)
        let older = outcome.receivedByAge.filter { $0.key > 1 }.values.reduce(0, +)
        print("saturated second: \(outcome.receivedByAge[1] ?? 0) of 1,500 from it, \(older) of 3,500 older, \(outcome.catchUps) catch-ups")
        #expect(older == 3_500)
        #expect((outcome.receivedByAge[1] ?? 0) >= 500)
        #expect(outcome.catchUps >= 1)
    }

    /// A buffer larger than the burst: the reader reads it all off its socket while nobody takes it, so the relay
    /// drops nothing. (Not the standard: a reader that never waits cannot tell when a relay dropped events for
    /// other reasons; see ``IngressBuffer``.)
    @Test func aBufferLargerThanTheBurstReadsItWholeWithoutCatchingUp() async throws {
        let outcome = try await Self.burst(configuration: .init(), buffer: .init(events: 8_192, bytes: 16 << 20))
        print("buffer of 8,192: \(outcome.received) of \(Self.count) events, \(outcome.catchUps) catch-ups")
        #expect(outcome.received == Self.count)
        #expect(outcome.catchUps == 0)
    }

    /// The same burst without catching up loses events: the relay's quirk the watch is for (and the proof that the
    /// test above could fail).
    @Test func withoutCatchingUpTheSameBurstLosesEvents() async throws {
        var configuration = RelayConnectionConfiguration()
        configuration.backlog = nil
        let outcome = try await Self.burst(configuration: configuration)
        print("catch-up off: \(outcome.received) of \(Self.count) events")
        #expect(outcome.received < Self.count)
        #expect(outcome.catchUps == 0)
    }
}
