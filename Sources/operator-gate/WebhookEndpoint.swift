import Bot
import CLISupport
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `POST /hooks/gitea`: Gitea's webhooks, served by Hummingbird (``QuietHTTPServer``) as one more service of the group. It only carries
/// bytes: the body (at most 1 MiB + 1 byte is read, so a larger one is answered 413 without being held) and the
/// headers go to ``WebhookIntake``, which verifies and stores before the answer.
enum WebhookEndpoint {
    static func application(settings: WebhookSettings, intake: WebhookIntake, logger: Logger) -> any Service {
        let router = Router()
        router.post("hooks/gitea") { request, _ -> Response in
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: WebhookVerifier.maximumBodyBytes + 1) } catch {
                return Response(status: .contentTooLarge, body: .init(byteBuffer: ByteBuffer(string: "body over 1 MiB\n")))
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let (status, text) = await intake.receive(headers: headers, body: Array(body.readableBytesView), now: Int64(Date().timeIntervalSince1970))
            return Response(
                status: .init(code: status), headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
        }
        return QuietHTTPServer(router: router, host: settings.host, port: settings.port, logger: logger)
    }

    /// The endpoint's service configuration for a bot whose configuration has `webhook`; `nil` otherwise.
    static func service(_ assembly: BotAssembly, configuration: BotConfiguration, logger: Logger) throws -> ServiceGroupConfiguration
        .ServiceConfiguration?
    {
        guard let settings = configuration.webhook else { return nil }
        let secret: String
        do { secret = try settings.secret() } catch { throw CLIError("webhook: \(error)") }
        guard let intake = assembly.webhookIntake(secret: secret, logger: logger) else { return nil }
        return .init(service: application(settings: settings, intake: intake, logger: logger))
    }
}
