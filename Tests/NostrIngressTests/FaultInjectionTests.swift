import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NostrCore
import TestSupport
import Testing

@testable import NostrIngress

/// Garbage frames, oversized frames, half-closed sockets and stalled handshakes on four relays, beside one good
/// relay: the pool keeps running, counts the errors, and still gets the operator's DM exactly once.
@Suite(.serialized) struct FaultInjectionTests {
    final class Ports: Sendable {
        let values = NIOLockedValueBox<[String: Int]>([:])
        func set(_ name: String, _ port: Int) { values.withLockedValue { $0[name] = port } }
        func get(_ name: String) -> Int? { values.withLockedValue { $0[name] } }
    }

    @Test func misbehavingRelaysDoNotStopThePool() async throws {
        let good = try RelayProcess(.localRelay())
        let peer = try RustNostrPeer()
        let bot = SecretKey.generate()
        let alice = SecretKey.generate()
        let halfClose = try await FaultRelay.startTCP(.halfClose)
        let stall = try await FaultRelay.startTCP(.stall)
        let ports = Ports()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await FaultRelay.runWebSocket(.garbage) { ports.set("garbage", $0) } }
            group.addTask { try await FaultRelay.runWebSocket(.oversized(bytes: 200_000)) { ports.set("oversized", $0) } }
            let deadline = ContinuousClock.now + .seconds(10)
            while (ports.get("garbage") == nil || ports.get("oversized") == nil) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let garbageURL = "ws://127.0.0.1:\(ports.get("garbage")!)"
            let oversizedURL = "ws://127.0.0.1:\(ports.get("oversized")!)"
            let halfCloseURL = "ws://127.0.0.1:\(halfClose.localAddress!.port!)"
            let stallURL = "ws://127.0.0.1:\(stall.localAddress!.port!)"
            let configuration = RelayConnectionConfiguration(
                maximumFrameSize: 64 * 1024, backoff: .init(base: .milliseconds(100), cap: .milliseconds(500)),
                handshakeTimeout: .seconds(2))
            let runner = try InboxRunner(
                bot: bot, relays: [good.url, garbageURL, oversizedURL, halfCloseURL, stallURL],
                storePath: temporaryStorePath(), configuration: configuration)
            // Wait (bounded) until every misbehaving relay has shown its fault at least once; a loaded CI machine
            // can be slow to make the first connections.
            let faultDeadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < faultDeadline {
                let status = Dictionary(uniqueKeysWithValues: await runner.pool.status().map { ($0.url, $0) })
                if (status[garbageURL]?.malformedFrames ?? 0) >= 5, (status[garbageURL]?.notices ?? 0) >= 1,
                    (status[oversizedURL]?.reconnects ?? 0) >= 1, (status[halfCloseURL]?.reconnects ?? 0) >= 1,
                    (status[stallURL]?.reconnects ?? 0) >= 1, status[stallURL]?.lastError?.contains("handshake") == true
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            try peer.call([
                "op": "client_send", "sec": alice.hex, "to": bot.publicKey.hex, "text": "still here?", "scheme": "nip17", "relays": [good.url]
            ])
            let received = await runner.waitFor(count: 1)
            try await Task.sleep(for: .milliseconds(500))
            #expect(runner.messages.map(\.text) == ["still here?"])
            #expect(received.count == 1)

            let status = Dictionary(uniqueKeysWithValues: await runner.pool.status().map { ($0.url, $0) })
            #expect(status[good.url]?.state == .connected)
            #expect((status[garbageURL]?.malformedFrames ?? 0) >= 5, "\(String(describing: status[garbageURL]))")
            #expect((status[garbageURL]?.notices ?? 0) >= 1)
            #expect((status[oversizedURL]?.reconnects ?? 0) >= 1, "\(String(describing: status[oversizedURL]))")
            #expect((status[halfCloseURL]?.reconnects ?? 0) >= 1, "\(String(describing: status[halfCloseURL]))")
            #expect((status[stallURL]?.reconnects ?? 0) >= 1, "\(String(describing: status[stallURL]))")
            #expect(status[stallURL]?.lastError?.contains("handshake") == true, "\(String(describing: status[stallURL]?.lastError))")

            // And it still publishes through the good relay.
            let reply = EventTemplate(kind: 1, content: "yes", createdAt: Int64(Date().timeIntervalSince1970)).sign(with: KeyPair(secretKey: bot))
            let report = await runner.pool.publish(reply, deadline: .seconds(3))
            #expect(report.accepted == [good.url])
            await runner.stop()
            group.cancelAll()
        }
        try await halfClose.close()
        try await stall.close()
    }

    /// A relay that upgrades and then goes silent (no pongs): the keepalive notices and reconnects.
    @Test func silentRelayIsDetectedByMissingPongs() async throws {
        let silent = try await FaultRelay.startTCP(.silentAfterUpgrade)
        let url = "ws://127.0.0.1:\(silent.localAddress!.port!)"
        let configuration = RelayConnectionConfiguration(
            pingInterval: .milliseconds(300),
            backoff: .init(base: .milliseconds(100), cap: .milliseconds(200)))
        let runner = try InboxRunner(bot: .generate(), relays: [url], storePath: temporaryStorePath(), configuration: configuration)
        #expect(await runner.waitConnected(timeout: .seconds(15)) == [url])
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, await runner.pool.status()[0].reconnects == 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        let status = await runner.pool.status()[0]
        #expect(status.reconnects >= 1, "\(status)")
        #expect(status.lastError?.contains("no pong") == true, "\(String(describing: status.lastError))")
        await runner.stop()
        try await silent.close()
    }
}
