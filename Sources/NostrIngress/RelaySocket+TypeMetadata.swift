import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket

extension RelaySocket {
    /// The websocket handshake's generic types, made once per process before the first connection.
    ///
    /// Swift 6.3's runtime crashed twice in our CI runs (a bot process and `doctor`, each dialling two relays at start)
    /// with a null metadata in a protocol conformance check (`swift_getTypeByMangledName` →
    /// `swift_checkMetadataState`) inside `configureUpgradableHTTPClientPipeline`: the first instantiation of the
    /// upgrade pipeline's generic handlers (`ByteToMessageHandler<HTTPResponseDecoder>` and the typed upgrader's)
    /// raced on the two event-loop threads. A Swift global is initialized once, under a lock; a ``RelayConnection``
    /// reads it when it is made (while the pool is assembled, before anything dials) and
    /// ``connect(url:maximumMessageSize:handshakeTimeout:group:)`` again; so the whole handshake runs once on one
    /// thread, on an `EmbeddedChannel`, before any two event loops can build those types at the same time.
    static let typeMetadataReady: Bool = handshakeOnEmbeddedChannel()

    /// The RFC 6455 sample handshake: the request key of section 1.3 and the accept value a server derives from it.
    static let sampleRequestKey = "dGhlIHNhbXBsZSBub25jZQ=="
    static let sampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    /// Runs the client's whole handshake (``configureUpgrade(on:hostHeader:target:maximumMessageSize:requestKey:)``)
    /// on an `EmbeddedChannel`: the upgrade request goes out, the RFC's 101 comes back, and the channel becomes a
    /// frame channel. Returns whether it did; no byte reaches a network.
    static func handshakeOnEmbeddedChannel() -> Bool {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        let upgraded = NIOLockedValueBox(false)
        do {
            let upgrade = try configureUpgrade(
                on: channel, hostHeader: "localhost", target: "/", maximumMessageSize: 1 << 16, requestKey: sampleRequestKey)
            upgrade.whenSuccess { result in
                if case .websocket = result { upgraded.withLockedValue { $0 = true } }
            }
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            var request = ""
            while let part = try channel.readOutbound(as: ByteBuffer.self) { request += String(buffer: part) }
            guard request.lowercased().contains("upgrade: websocket") else { return false }
            try channel.writeInbound(
                ByteBuffer(
                    string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: \(sampleAccept)\r\n\r\n"))
            channel.embeddedEventLoop.run()
        } catch {
            return false
        }
        return upgraded.withLockedValue { $0 }
    }
}
