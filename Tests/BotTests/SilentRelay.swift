import HummingbirdWebSocket
import NIOConcurrencyHelpers

/// A relay that takes every frame and never answers: no `OK` for a published event, no `EOSE`. Real relays do stall
/// like this (a paid or overloaded relay that drops writes silently) but not on demand, so an in-process double.
/// Test-only.
enum SilentRelay {
    /// What it received.
    final class Log: Sendable {
        /// `EVENT` frames received, over all connections.
        let eventsReceived = NIOLockedValueBox(0)
    }

    /// Runs on 127.0.0.1 until cancelled; `onPort` gets the port once bound.
    static func run(log: Log, onPort: @escaping @Sendable (Int) async -> Void) async throws {
        try await LoopbackWebSocketDouble.run(
            label: "test.silent-relay",
            session: { inbound, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message, text.hasPrefix(#"["EVENT""#) else { continue }
                    log.eventsReceived.withLockedValue { $0 += 1 }
                }
            }, onPort: onPort)
    }
}
