/// One Gitea webhook delivery that verified: stored before it is acknowledged, then turned into notices.
public struct WebhookDelivery: Sendable, Equatable {
    /// `X-Gitea-Delivery` (a UUID): a repeated one changes nothing.
    public let id: String
    /// `X-Gitea-Event` (`issues`, `issue_comment`, `pull_request`, …).
    public let event: String
    /// `X-Gitea-Event-Type` (finer: `pull_request_review_approved`, …), or the event.
    public let eventType: String
    /// The raw JSON body.
    public let body: String
    public let receivedAt: Int64

    public init(id: String, event: String, eventType: String, body: String, receivedAt: Int64) {
        (self.id, self.event, self.eventType, self.body, self.receivedAt) = (id, event, eventType, body, receivedAt)
    }
}
