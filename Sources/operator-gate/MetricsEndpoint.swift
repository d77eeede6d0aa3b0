import Bot
import CLISupport
import Gate
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// `/metrics` (Prometheus text format) and `/healthz` (200 while a relay is connected and the ledger is writable,
/// else 503), served by Hummingbird (``QuietHTTPServer``) as one more service of the group.
enum MetricsEndpoint {
    static func application(
        address: String, registry: PrometheusCollectorRegistry, health: BotHealth,
        logger: Logger
    ) throws -> any Service {
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port), !parts[0].isEmpty else {
            throw CLIError("--metrics must be HOST:PORT, e.g. 127.0.0.1:9477 (got \"\(address)\")")
        }
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            _ = await health.check(checkLedger: false)  // refreshes the relay-state gauges
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("healthz") { _, _ -> Response in
            let (healthy, detail) = await health.check()
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: detail + "\n")))
        }
        return QuietHTTPServer(router: router, host: String(parts[0]), port: port, logger: logger)
    }
}
