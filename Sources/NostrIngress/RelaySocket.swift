import Encoding
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// The websocket client under ``RelayConnection``, built on SwiftNIO's typed websocket upgrader.
///
/// Why not swift-websocket's `WSClient`: its connect call awaits the HTTP upgrade on a future it cannot cancel,
/// so a relay that accepts TCP and then stalls (or half-closes) during the TLS or upgrade phase holds the
/// attempt forever (seen in `FaultInjectionTests`). Owning the channel lets a deadline close it, which fails
/// the upgrade cleanly. Frames are aggregated up to the message limit; client frames are masked.
enum RelaySocket {
    typealias Channel = NIOAsyncChannel<WebSocketFrame, WebSocketFrame>

    enum Upgrade: Sendable {
        case websocket(Channel)
        case refused
    }

    enum Failure: Error, CustomStringConvertible {
        case invalidURL(String)
        case handshakeTimedOut(Duration)
        case upgradeRefused
        case pongMissing(Duration)

        var description: String {
            switch self {
            case .invalidURL(let url): return "not a ws:// or wss:// URL: \(url)"
            case .handshakeTimedOut(let timeout): return "websocket handshake did not finish within \(timeout)"
            case .upgradeRefused: return "server refused the websocket upgrade"
            case .pongMissing(let interval): return "no pong within \(interval): connection presumed dead"
            }
        }
    }

    /// Connects, upgrades and returns the frame channel. The whole handshake (TCP, TLS, HTTP upgrade) is bounded
    /// by `handshakeTimeout`.
    static func connect(
        url: String, maximumMessageSize: Int, handshakeTimeout: Duration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> Channel {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "ws" || scheme == "wss", let host = components.host, !host.isEmpty
        else {
            throw Failure.invalidURL(url)
        }
        let secure = scheme == "wss"
        let port = components.port ?? (secure ? 443 : 80)
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        // SNI must be a name, never an IP literal.
        let sniName: String? = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        let sslContext = secure ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let timeAmount = TimeAmount.nanoseconds(handshakeTimeout.inNanoseconds)
        let start = ContinuousClock.now

        _ = Self.typeMetadataReady
        let upgrade: EventLoopFuture<Upgrade>
        do {
            upgrade = try await ClientBootstrap(group: group)
                .connectTimeout(timeAmount)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: sniName))
                        }
                        let negotiated = try configureUpgrade(
                            on: channel, hostHeader: hostHeader, target: target, maximumMessageSize: maximumMessageSize,
                            requestKey: NIOWebSocketClientUpgrader.randomRequestKey())
                        // Closing the channel fails the pending upgrade, so a stalled server cannot hold us.
                        let deadline = channel.eventLoop.scheduleTask(in: timeAmount) { channel.close(promise: nil) }
                        negotiated.whenComplete { _ in deadline.cancel() }
                        return negotiated
                    }
                }
        } catch {
            if ContinuousClock.now - start >= handshakeTimeout { throw Failure.handshakeTimedOut(handshakeTimeout) }
            throw error
        }
        let result: Upgrade
        do { result = try await upgrade.get() } catch {
            if ContinuousClock.now - start >= handshakeTimeout { throw Failure.handshakeTimedOut(handshakeTimeout) }
            throw error
        }
        switch result {
        case .websocket(let channel): return channel
        case .refused: throw Failure.upgradeRefused
        }
    }

    /// Sets `channel` up to send the HTTP upgrade request for `target` and to become a websocket of aggregated frames
    /// (up to `maximumMessageSize`) when the server agrees. Must run on the channel's event loop.
    static func configureUpgrade(
        on channel: any NIOCore.Channel, hostHeader: String, target: String, maximumMessageSize: Int, requestKey: String
    ) throws -> EventLoopFuture<Upgrade> {
        let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(requestKey: requestKey, maxFrameSize: maximumMessageSize) { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    NIOWebSocketFrameAggregator(
                        minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 4096, maxAccumulatedFrameSize: maximumMessageSize))
                return Upgrade.websocket(try Channel(wrappingChannelSynchronously: channel))
            }
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.refused) })
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        // Frames a relay sends right after the 101 (an AUTH challenge, say) can arrive in the same read as the
        // response; the default strategy drops them.
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    /// A masked text frame.
    static func text(_ string: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: string))
    }

    /// A masked control frame.
    static func control(_ opcode: WebSocketOpcode, data: ByteBuffer = ByteBuffer()) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
    }
}
