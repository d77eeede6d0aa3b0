import AsyncHTTPClient
import Encoding
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The bot's ``GiteaTransport``: swift-server's async-http-client, on one of the NIO event loops the relay connections
/// already use, with keep-alive connections kept in its pool (up to 16 per host, one per parallel command).
///
/// Each request runs on that loop (``exchange(_:)``): the client's own work (its deadline timer, the connection
/// pool, writing the request, taking the response in) happens on the thread that does the connection's I/O, and
/// only the caller's hop there and back crosses threads. Called from the concurrency pool, with connections on
/// either loop, a request woke a loop to set its deadline, possibly the other one to write, and a loop again to
/// cancel the deadline (`bench e2e`, issue #13: about one context switch per command fewer one at a time, and
/// less CPU per command under load).
///
/// Chosen over Foundation's URLSession (libcurl on Linux), which cost about 1 ms more per loopback request and most of
/// the bot's CPU per command in dispatch sources and timers (`operator-gate-bench gitea` and `e2e`, issue #13).
/// A response body larger than ``maximumBodyBytes`` is refused (Gitea's largest answers, 50-item pages, are far
/// smaller), so a hostile or broken server cannot grow memory.
public struct AsyncHTTPGiteaTransport: GiteaTransport {
    /// The largest response body read.
    public static let maximumBodyBytes = 8 << 20

    public init() {}

    /// One client for the process (never shut down: it lives as long as the process). A refused connection fails
    /// the request at once instead of being retried until its deadline (the Gate decides about retries), and at
    /// most 5 redirects are followed (an `http://` URL moved to `https://`). No tracer: the bot bootstraps none, and
    /// with the default (the global no-op tracer) every request still made a span and its attributes (about 1 % of
    /// the bot's CPU under load, `perf` of `bench e2e`).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 5, allowCycles: false), timeout: .init(connect: .seconds(10)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: executor.loop, configuration: configuration)
    }()

    /// The client's one event loop (of the process's shared group), as a task executor.
    static let executor = EventLoopTaskExecutor(MultiThreadedEventLoopGroup.singleton.next())

    /// One request, on the client's event loop; the caller continues where it was once the response is in.
    public func exchange(_ request: GiteaHTTPRequest) async throws -> GiteaHTTPResponse {
        try await withTaskExecutorPreference(Self.executor) { try await Self.send(request) }
    }

    private static func send(_ request: GiteaHTTPRequest) async throws -> GiteaHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await Self.client.execute(outgoing, timeout: .nanoseconds(request.timeout.inNanoseconds))
        let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
        let total = response.headers.first(name: "X-Total-Count").flatMap { Int($0) }
        return GiteaHTTPResponse(status: Int(response.status.code), body: Data(body.readableBytesView), totalCount: total)
    }
}
