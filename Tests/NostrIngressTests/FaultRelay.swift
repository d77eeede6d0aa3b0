import Crypto
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix

/// Misbehaving servers for fault injection that no real relay does on demand. Test-only.
enum FaultRelay {
    /// What a websocket fault relay does once a client has upgraded.
    enum WebSocketBehavior: Sendable {
        /// Sends garbage and half-valid frames, then idles.
        case garbage
        /// Sends one text frame of `bytes` bytes.
        case oversized(bytes: Int)
    }

    /// Runs a websocket server on 127.0.0.1 until the task is cancelled; `onPort` gets the port once bound.
    static func runWebSocket(_ behavior: WebSocketBehavior, onPort: @escaping @Sendable (Int) async -> Void) async throws {
        let router = Router()
        var logger = Logger(label: "test.fault-relay")
        logger.logLevel = .error
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(maxFrameSize: 1 << 22)) { _, _, _ in
                .upgrade([:]) { inbound, outbound, _ in
                    switch behavior {
                    case .garbage:
                        for frame in [
                            "not json", #"["EVENT"]"#, #"{"a":1}"#, #"["EVENT","inbox-nip04",{"id":"zz"}]"#,
                            #"["OK","",false,"invalid: whatever"]"#, #"["NOTICE","hello from the fault relay"]"#
                        ] {
                            try await outbound.write(.text(frame))
                        }
                        try await outbound.write(.binary(ByteBuffer(bytes: [0, 1, 2, 3])))
                    case .oversized(let bytes):
                        try await outbound.write(.text(#"["NOTICE",""# + String(repeating: "x", count: bytes) + #""]"#))
                    }
                    for try await _ in inbound {}
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await onPort(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await app.runService()
    }

    /// What a raw TCP fault server does with each connection.
    enum TCPBehavior: Sendable {
        /// Closes its write side at once: the client sees EOF during the upgrade.
        case halfClose
        /// Accepts and never answers.
        case stall
        /// Completes the websocket upgrade, then never sends anything again, pongs included.
        case silentAfterUpgrade
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behavior: TCPBehavior
        private var request = ""
        private var upgraded = false
        init(_ behavior: TCPBehavior) { self.behavior = behavior }
        func channelActive(context: ChannelHandlerContext) {
            if case .halfClose = behavior { context.close(mode: .output, promise: nil) }
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .silentAfterUpgrade = behavior, !upgraded else { return }
            var buffer = unwrapInboundIn(data)
            request += buffer.readString(length: buffer.readableBytes) ?? ""
            guard request.contains("\r\n\r\n") else { return }
            let key =
                request.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }?
                .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? ""
            let accept = Data(Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
            let response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n"
            upgraded = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
        }
    }

    /// Starts a raw TCP server on 127.0.0.1; close the returned channel to stop it.
    static func startTCP(_ behavior: TCPBehavior) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in channel.pipeline.addHandler(Handler(behavior)) }
            .bind(host: "127.0.0.1", port: 0).get()
    }
}
