import Foundation
import Logging
import NIOConcurrencyHelpers
import NostrCore
import TestSupport

@testable import Bot
@testable import NostrIngress

/// A bot's receiving side for tests: a relay pool feeding a persistent inbox, collecting what it delivers.
final class InboxRunner: Sendable {
    let pool: RelayPool
    let inbox: InboxPipeline
    private final class Log: Sendable {
        let entries = NIOLockedValueBox<[DirectMessage]>([])
        let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    }
    private let log = Log()

    static let fastReconnect = RelayConnectionConfiguration(
        backoff: .init(base: .milliseconds(200), cap: .seconds(2)), handshakeTimeout: .seconds(3))

    init(
        bot: SecretKey, relays: [String], storePath: String, lookback: Int64 = 600,
        configuration: RelayConnectionConfiguration = InboxRunner.fastReconnect
    ) throws {
        let logger = Logger(label: "test.inbox")
        let store = try InboxStore(path: storePath)
        let inbox = try InboxPipeline.listener(
            secretKey: bot, store: store, lookback: lookback, now: Int64(Date().timeIntervalSince1970),
            logger: logger)
        self.inbox = inbox
        let list = try RelayList(relays.map { RelayEndpoint(url: $0) })
        pool = RelayPool(relays: list, keyPair: KeyPair(secretKey: bot), configuration: configuration, logger: logger) {
            inbox.subscriptions(now: Int64(Date().timeIntervalSince1970))
        }
        let pool = self.pool
        let log = self.log
        log.task.withLockedValue {
            $0 = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await pool.run() }
                    for await inbound in pool.events {
                        let now = Int64(Date().timeIntervalSince1970)
                        if case .deliver(let message) = await inbox.admit(inbound.event, now: now) {
                            try? await inbox.acknowledge(message, now: now)
                            log.entries.withLockedValue { $0.append(message) }
                        }
                    }
                }
            }
        }
    }

    /// Everything delivered so far.
    var messages: [DirectMessage] { log.entries.withLockedValue { $0 } }

    /// Waits until `count` messages arrived or `timeout` passed; returns what arrived.
    func waitFor(count: Int, timeout: Duration = .seconds(20)) async -> [DirectMessage] {
        let deadline = ContinuousClock.now + timeout
        while messages.count < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return messages
    }

    /// Waits until every relay is connected.
    func waitConnected(timeout: Duration = .seconds(10)) async -> [String] {
        await pool.waitForConnections(timeout: timeout)
    }

    func stop() async {
        let running = log.task.withLockedValue { $0 }
        running?.cancel()
        await running?.value
    }
}

/// A temporary SQLite path.
func temporaryStorePath() -> String {
    ScratchDirectory.root.appendingPathComponent("og-inbox-\(UUID().uuidString)/inbox.sqlite").path
}
