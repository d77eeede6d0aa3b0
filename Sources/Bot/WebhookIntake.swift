import Logging

/// What the webhook endpoint does with one request: verify (``WebhookVerifier``), store the delivery durably, then
/// answer, so a crash after the 200 loses nothing (Gitea does not retry failed deliveries by itself); a stored
/// delivery rings the ``NoticeService``. The HTTP server around it only carries bytes.
public struct WebhookIntake: Sendable {
    let verifier: WebhookVerifier
    let store: any NoticeStore
    let ring: @Sendable () -> Void
    let logger: Logger

    public init(secret: String, store: any NoticeStore, ring: @escaping @Sendable () -> Void, logger: Logger) {
        (verifier, self.store, self.ring, self.logger) = (WebhookVerifier(secret: secret), store, ring, logger)
    }

    /// The status and short text to answer a request with. Header names are lowercased.
    public func receive(headers: [String: String], body: [UInt8], now: Int64) async -> (status: Int, text: String) {
        switch verifier.verify(headers: headers, body: body, now: now) {
        case .answer(let status, let reason):
            // Driven by whoever can reach the port: debug only, and the reason is a fixed text.
            logger.debug("webhook not stored", metadata: ["status": "\(status)", "reason": "\(reason)"])
            return (status, reason)
        case .accept(let delivery):
            do {
                let new = try await store.storeDelivery(delivery)
                StopPoint.reached(.webhookStored)
                if new { ring() }
                logger.info("webhook stored", metadata: ["delivery": "\(delivery.id)", "event": "\(delivery.eventType)", "new": "\(new)"])
                return (200, new ? "stored" : "already stored")
            } catch {
                logger.error("cannot store a webhook delivery; Gitea is told to retry", metadata: ["error": "\(error)"])
                return (503, "cannot store the delivery now")
            }
        }
    }
}
