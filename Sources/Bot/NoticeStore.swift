import NostrCore

/// Where the webhook bridge keeps its records (``InboxStore+Webhooks`` lists them): the local inbox database for
/// one instance, or the shared PostgreSQL database for several (``PostgresNoticeStore``), where each delivery is
/// fanned out by one instance and each line sent in one DM by one instance.
public protocol NoticeStore: Sendable {
    /// Stores a verified delivery; `false` when its id was stored before.
    func storeDelivery(_ delivery: WebhookDelivery) async throws -> Bool
    /// Deliveries not yet fanned out, oldest first.
    func deliveriesToFanOut(limit: Int) async throws -> [WebhookDelivery]
    /// Queues a delivery's lines and marks it fanned out, in one transaction; `false` when it already was (another
    /// instance did it first: nothing is queued).
    func fanOut(
        deliveryID: String, notices: [(operator: String, repo: String, line: String)], assignees: (repo: String, number: Int, logins: [String])?,
        now: Int64
    ) async throws -> Bool
    /// Lines waiting for a DM, by operator and repository.
    func queuedNotices() async throws -> [NoticeBatch]
    /// Stores the DM carrying `batch` and removes its lines, in one transaction; `false` when another instance sent
    /// some of them first (nothing is stored).
    func storeNotice(id: String, events: [Event], batch: NoticeBatch, now: Int64) async throws -> Bool
    func lastAssignees(repo: String, number: Int) async throws -> [String]?
    func setSubscription(operator op: String, repo: String, kinds: [WatchKind], watch: Bool) async throws
    func subscriptions(operator op: String) async throws -> [String: Set<WatchKind>]
    func watchers(repo: String, kind: WatchKind) async throws -> [String]
    func noteScheme(operator op: String, scheme: DirectMessage.Scheme) async throws
    func scheme(operator op: String) async throws -> DirectMessage.Scheme?
    func lastDeliveryTime() async throws -> Int64?
}

extension InboxStore: NoticeStore {}
