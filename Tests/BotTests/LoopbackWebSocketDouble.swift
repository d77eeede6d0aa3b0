import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import Testing

/// The scaffold of this suite's in-process relay doubles (``HostileRelay``, ``SilentRelay``): a websocket server on
/// 127.0.0.1, on a free port, that runs `session` for each connection. Test-only.
enum LoopbackWebSocketDouble {
    /// Runs until cancelled; `onPort` gets the port once bound.
    static func run(
        label: String, maxFrameSize: Int = 1 << 14,
        session: @escaping @Sendable (WebSocketInboundStream, WebSocketOutboundWriter) async throws -> Void,
        onPort: @escaping @Sendable (Int) async -> Void
    ) async throws {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(configuration: .init(maxFrameSize: maxFrameSize)) { _, _, _ in
                .upgrade([:]) { inbound, outbound, _ in try await session(inbound, outbound) }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await onPort(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.runService()
    }

    /// The `ws://` URL of a double whose `onPort` writes into `port`, once it is bound (at most 10 s).
    static func url(_ port: NIOLockedValueBox<Int?>) async throws -> String {
        let deadline = Date().addingTimeInterval(10)
        while port.withLockedValue({ $0 }) == nil && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return "ws://127.0.0.1:\(try #require(port.withLockedValue { $0 }, "the relay double did not bind within 10 s"))"
    }
}
