import Foundation
import Logging
import NostrCore
import TestSupport
import Testing

@testable import NostrIngress

/// Short-lived connections to relays outside the pool, against real relays on loopback.
@Suite(.serialized) struct OnDemandRelaysTests {
    static let logger = Logger(label: "test.on-demand")

    /// A relay that requires NIP-42 AUTH for reading and writing accepts the event and serves it back only after the
    /// connection answered the challenge; what comes back is verified, each id once over two relays.
    @Test func publishesAndQueriesThroughAuthRequiringRelays() async throws {
        let guarded = try RelayProcess(.localRelay(nip42: "both"))
        let open = try RelayProcess(.localRelay())
        let me = KeyPair(secretKey: SecretKey.generate())
        let relays = OnDemandRelays(keyPair: me, logger: Self.logger)
        let list = RelayListEvent.inbox(relays: ["wss://inbox.example"], createdAt: Int64(Date().timeIntervalSince1970)).sign(with: me)
        let report = await relays.publish(list, to: [guarded.url, open.url], timeout: .seconds(10))
        #expect(report.accepted == [guarded.url, open.url].sorted(), "\(report.outcomes)")
        let filter = Filter(authors: [me.publicKey.hex], kinds: [10050])
        let found = await relays.query([filter], on: [guarded.url, open.url], timeout: .seconds(5))
        #expect(found.map(\.id) == [list.id])

        let anonymous = OnDemandRelays(keyPair: nil, logger: Self.logger)
        #expect(await anonymous.query([filter], on: [guarded.url], timeout: .seconds(2)).isEmpty, "no AUTH, no events")
    }

    /// A relay nobody listens on costs the call's timeout, not more, and reads as not connected.
    @Test func anUnreachableRelayIsBoundedByTheTimeout() async throws {
        let port = try FreePort.find()
        let relays = OnDemandRelays(keyPair: nil, logger: Self.logger)
        let event = RelayListEvent.inbox(relays: [], createdAt: 1).sign(with: KeyPair(secretKey: SecretKey.generate()))
        let start = ContinuousClock.now
        let report = await relays.publish(event, to: ["ws://127.0.0.1:\(port)"], timeout: .seconds(1))
        let found = await relays.query([Filter(kinds: [1])], on: ["ws://127.0.0.1:\(port)"], timeout: .seconds(1))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(!report.succeeded && found.isEmpty)
        if case .notConnected = report.outcomes.values.first {} else { Issue.record("expected not connected: \(report.outcomes)") }
    }
}
