import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// A small NIP-01 relay on 127.0.0.1 (Hummingbird websocket): EVENT with OK, REQ with stored events then EOSE
/// and live events, CLOSE. For `operator-gate demo` and tests that need a relay in process; real deployments
/// and the end-to-end tests use real relays.
public enum LoopbackRelay {
    /// Runs until the task is cancelled. `onPort` receives the bound port.
    /// - Parameter information: a NIP-11 document, served on `GET /` with `Accept: application/nostr+json`.
    public static func run(
        state: LoopbackRelayState, port: Int = 0, information: String? = nil, logger: Logger,
        onPort: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let router = Router()
        if let information {
            router.get("/") { request, _ -> Response in
                guard request.headers[.accept]?.contains("application/nostr+json") == true else { return Response(status: .notFound) }
                return Response(
                    status: .ok, headers: [.contentType: "application/nostr+json"], body: .init(byteBuffer: ByteBuffer(string: information)))
            }
        }
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: 1 << 20)),
                shouldUpgrade: { _, _, _ in
                    .upgrade([:]) { inbound, outbound, _ in
                        let (frames, send) = AsyncStream.makeStream(of: String.self)
                        let connection = await state.connect(send)
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                for await frame in frames { try await outbound.write(.text(frame)) }
                            }
                            for try await message in inbound.messages(maxSize: 1 << 20) {
                                if case .text(let text) = message { await state.receive(text, from: connection) }
                            }
                            await state.disconnect(connection)
                            send.finish()
                            try await group.waitForAll()
                        }
                    }
                }),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in await onPort(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        // No signal handlers: the embedding process owns SIGTERM and SIGINT; the server stops when its task is cancelled.
        try await app.runService(gracefulShutdownSignals: [])
    }
}
