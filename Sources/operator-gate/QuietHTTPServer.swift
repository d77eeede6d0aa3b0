import Encoding
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A Hummingbird router served as one service of the bot's group (the webhook receiver, `/metrics`), without
/// Hummingbird's `Application`: that runs a timer every second, for ever, to format its `Date` header through
/// Foundation's calendar, which was most of an idle bot's CPU (`scripts/idle-cpu`, webhook receiver configured:
/// 0.66–0.79 ms/s with it, 0.12–0.14 without; issue #13). Each response is stamped with ``RFC3339/httpDate(_:)``
/// instead: requests are rare, seconds of idle are not.
struct QuietHTTPServer: Service {
    private let server: Server<HTTP1Channel>

    /// - Parameter port: 0 picks a free port (tests).
    init(router: Router<BasicRequestContext>, host: String, port: Int, logger: Logger) {
        let responder = router.buildResponder()
        let channel = HTTP1Channel(responder: { request, writer, channel in
            let context = BasicRequestContext(source: .init(channel: channel, logger: logger))
            var response: Response
            do { response = try await responder.respond(to: request, context: context) } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
            } catch {
                logger.debug("HTTP handler failed", metadata: ["error": "\(error)"])
                response = Response(status: .internalServerError)
            }
            response.headers[.date] = RFC3339.httpDate(Int64(Date().timeIntervalSince1970))
            try await writer.write(response: response.head, body: response.body)
        })
        server = Server(
            childChannelSetup: channel, configuration: .init(address: .hostname(host, port: port)),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    func run() async throws { try await server.run() }
}
