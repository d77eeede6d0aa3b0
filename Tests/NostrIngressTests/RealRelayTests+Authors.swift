import Foundation
import Logging
import NIOConcurrencyHelpers
import NostrCore
import TestSupport
import Testing

@testable import NostrIngress

extension RealRelayTests {
    /// The inbox's kind-4 filter names the operators (``InboxCursor/filters(recipient:now:lookback:nip04Authors:)``):
    /// both real relays then send an operator's kind 4 and not a stranger's, while gift wraps still come from anyone.
    @Test func relaysSendOnlyTheNamedAuthorsKind4() async throws {
        let local = try RelayProcess(.localRelay())
        let python = try RelayProcess(.nostrRelay())
        let urls = [local.url, python.url]
        let bot = KeyPair(secretKey: .generate())
        let op = KeyPair(secretKey: .generate())
        let stranger = KeyPair(secretKey: .generate())
        let now = Self.now()
        let fromOperator = Self.directMessages("from the operator", from: op, to: bot.publicKey, at: now - 5)
        let fromStranger = Self.directMessages("from a stranger", from: stranger, to: bot.publicKey, at: now - 5)
        for url in urls {
            #expect(try await Self.publish(fromOperator + fromStranger, to: url, as: op))
        }
        let pool = RelayPool(relays: try RelayList(urls.map { RelayEndpoint(url: $0) }), keyPair: bot, logger: Logger(label: "test.reader")) {
            InboxCursor().filters(recipient: bot.publicKey, now: now, lookback: 600, nip04Authors: [op.publicKey.hex])
        }
        let received = NIOLockedValueBox<[String: Set<String>]>([:])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            group.addTask {
                for await inbound in pool.events { _ = received.withLockedValue { $0[inbound.event.id, default: []].insert(inbound.relay) } }
            }
            let end = ContinuousClock.now + .seconds(10)
            while await pool.status().contains(where: { $0.subscriptionsAtEOSE.count < 2 }), ContinuousClock.now < end {
                try? await Task.sleep(for: .milliseconds(20))
            }
            try? await Task.sleep(for: .milliseconds(300))  // room for a stray event after EOSE
            group.cancelAll()
        }
        let seen = received.withLockedValue { $0 }
        // The operator's DM and wrap and the stranger's wrap, each from both relays (dropped copies are not delivered,
        // so the relays come from the status).
        #expect(Set(seen.keys) == [fromOperator[0].id, fromOperator[1].id, fromStranger[1].id])
        #expect(seen[fromStranger[0].id] == nil)
        let statuses = await pool.status()
        #expect(statuses.map(\.eventsReceived) == [3, 3], "\(statuses.map(\.eventsReceived))")
    }
}
