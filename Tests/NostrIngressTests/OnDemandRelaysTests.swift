import Foundation
import Logging
import LoopbackRelay
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

    /// A relay whose NIP-11 document says it takes messages up to 600 bytes is not sent a longer event (the outcome
    /// says why, and the relay never sees it); a short one goes through. A relay requiring AUTH is not sent anything
    /// by a sender without a key.
    @Test func nip11LimitsAreRespectedBeforeSending() async throws {
        let state = LoopbackRelayState()
        let port = PortBox()
        let document = #"{"name": "small", "limitation": {"max_message_length": 600, "auth_required": false, "restricted_writes": "odd"}}"#
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await LoopbackRelay.run(state: state, information: document, logger: Self.logger) { await port.set($0) } }
            let url = "ws://127.0.0.1:\(try await port.wait())"
            let me = KeyPair(secretKey: SecretKey.generate())
            let relays = OnDemandRelays(keyPair: me, logger: Self.logger)
            let long = EventTemplate(kind: 1, content: String(repeating: "x", count: 600), createdAt: 1).sign(with: me)
            let report = await relays.publish(long, to: [url], timeout: .seconds(5))
            #expect(
                report.outcomes[url]
                    == .rejected(
                        message:
                            "not sent: the relay takes messages up to 600 bytes (NIP-11 max_message_length); this one is \(ClientMessage.event(long).jsonString.utf8.count)"
                    ))
            let short = EventTemplate(kind: 1, content: "hi", createdAt: 1).sign(with: me)
            #expect(await relays.publish(short, to: [url], timeout: .seconds(5)).accepted == [url])
            #expect(await state.accepted == 1, "the long event never reached the relay")
            group.cancelAll()
        }
        let locked = RelayInformation.parse(Data(#"{"limitation": {"auth_required": true}}"#.utf8))
        let event = EventTemplate(kind: 1, content: "", createdAt: 1).sign(with: KeyPair(secretKey: SecretKey.generate()))
        #expect(locked?.refusal(for: event, canAuthenticate: false)?.contains("requires NIP-42 AUTH") == true)
        #expect(locked?.refusal(for: event, canAuthenticate: true) == nil)
        #expect(RelayInformation.parse(Data("[1]".utf8)) == nil && RelayInformation.parse(Data("{}".utf8)) == RelayInformation())
    }
}

extension OnDemandRelaysTests {
    /// While it runs, publishing reuses one connection per relay and closes it after the idle time; without it,
    /// each call connects and closes.
    @Test func publishingConnectionsAreKeptWhileRunningAndClosedWhenIdle() async throws {
        let state = LoopbackRelayState()
        let port = PortBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await LoopbackRelay.run(state: state, logger: Self.logger) { await port.set($0) } }
            let url = "ws://127.0.0.1:\(try await port.wait())"
            let me = KeyPair(secretKey: SecretKey.generate())
            let scoped = OnDemandRelays(keyPair: me, logger: Self.logger)
            #expect(await scoped.publish(Self.note(me, "a"), to: [url], timeout: .seconds(5)).accepted == [url])
            try await Self.settle { await state.openConnections == 0 }
            #expect(await state.connectionsOpened == 1, "one connection, closed after the call")

            let kept = OnDemandRelays(keyPair: me, idleTimeout: .milliseconds(600), logger: Self.logger)
            group.addTask { await kept.run() }
            try await Task.sleep(for: .milliseconds(50))
            for text in ["b", "c", "d"] { #expect(await kept.publish(Self.note(me, text), to: [url], timeout: .seconds(5)).accepted == [url]) }
            let (opened, open) = (await state.connectionsOpened, await state.openConnections)
            #expect(opened == 2 && open == 1, "three events over one kept connection")
            #expect(await kept.keptRelays == [url])
            try await Self.settle { await state.openConnections == 0 }
            #expect(await kept.keptRelays.isEmpty, "closed after the idle time")
            #expect(await state.accepted == 4)
            group.cancelAll()
        }
    }

    static func note(_ key: KeyPair, _ text: String) -> Event {
        EventTemplate(kind: 1, content: text, createdAt: Int64(Date().timeIntervalSince1970)).sign(with: key)
    }

    /// Waits up to 5 s for `condition`.
    static func settle(_ condition: () async -> Bool) async throws {
        for _ in 0..<250 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not reached in 5 s")
    }
}

/// A port reported by a server task.
actor PortBox {
    private var port: Int?
    func set(_ port: Int) { self.port = port }
    func wait() async throws -> Int {
        for _ in 0..<500 {
            if let port { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw RustNostrPeer.PeerError("the server did not start")
    }
}
