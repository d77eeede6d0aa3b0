/// Asks a relay again for what it stored while the reader was behind (``BacklogWatch``), page by page.
///
/// Relays cap what one REQ returns (rust-nostr's LocalRelay: the newest 500 per filter), so one REQ after a burst
/// of thousands brings back only its newest part. Each subscription is asked again on its own one-shot
/// subscription (``id(catchingUp:)``), newest first; at each EOSE the next page asks `until` the oldest
/// `created_at` the page brought (inclusive: that second may hold more than the page had room for), or the second
/// before it when the whole page was that one second (asking it again would bring the same page), until a page
/// brings nothing, nothing older than its `until`, reaches its `since`, or ``maximumPages`` were asked. Events that
/// came already are exact copies the pool drops.
///
/// | page asked `until` | page brought (`created_at`) | next `until`          |
/// |--------------------|-----------------------------|-----------------------|
/// | now                | 1,510 … 1,500               | 1,500                 |
/// | 1,500              | 1,500 … 1,490               | 1,490                 |
/// | 1,490              | 1,490 only (a full page)    | 1,489 (1,490 skipped) |
/// | 1,489              | nothing                     | done                  |
///
/// Pure: the connection reports what each catch-up subscription received and its EOSE, and sends what comes back.
/// What it cannot reach: the part of one second that holds more events than a page (every page of that second is
/// the same); it moves on to the older seconds.
public struct CatchUpPager: Sendable, Equatable {
    /// Pages asked per subscription at most: a relay that keeps sending older events cannot keep the reader busy.
    public static let maximumPages = 64

    /// What the connection does after an EOSE.
    public enum Step: Sendable, Equatable {
        /// Not a catch-up subscription.
        case notCatchingUp
        /// Ask the next page: a REQ on `subscriptionID`.
        case next(subscriptionID: String, filters: [Filter])
        /// This subscription's catch-up is over: CLOSE it.
        case done(subscriptionID: String)
    }

    private struct Paging: Sendable, Equatable {
        var filters: [Filter]
        /// The `until` of the page asked last (`nil`: the first page, up to now).
        var until: Int64?
        var oldest: Int64?
        var newest: Int64?
        var pages = 1
    }

    private var paging: [String: Paging] = [:]

    public init() {}

    /// Whether a catch-up is under way.
    public var isActive: Bool { !paging.isEmpty }

    /// The one-shot subscription id that catches up on `subscriptionID`.
    public static func id(catchingUp subscriptionID: String) -> String { "\(subscriptionID)-catch-up" }

    /// Starts catching up on `subscriptions` (their filters with the `since` to reach back to), in place of any
    /// catch-up under way; returns the first REQs.
    public mutating func start(_ subscriptions: [String: [Filter]]) -> [(subscriptionID: String, filters: [Filter])] {
        paging = [:]
        return subscriptions.keys.sorted().map { base in
            let id = Self.id(catchingUp: base)
            paging[id] = Paging(filters: subscriptions[base]!)
            return (id, subscriptions[base]!)
        }
    }

    /// An event arrived on `subscriptionID`.
    public mutating func received(subscriptionID: String, createdAt: Int64) {
        guard var page = paging[subscriptionID] else { return }
        page.oldest = min(page.oldest ?? createdAt, createdAt)
        page.newest = max(page.newest ?? createdAt, createdAt)
        paging[subscriptionID] = page
    }

    /// EOSE on `subscriptionID`: the next page, or the end of its catch-up.
    public mutating func endOfStoredEvents(_ subscriptionID: String) -> Step {
        guard var page = paging[subscriptionID] else { return .notCatchingUp }
        let since = page.filters.compactMap(\.since).min() ?? 0
        guard let oldest = page.oldest, let newest = page.newest, oldest <= (page.until ?? .max), page.pages < Self.maximumPages,
            case let until = newest == oldest ? oldest.subtractingReportingOverflow(1).partialValue : oldest,
            until < (page.until ?? .max), until >= since
        else {
            paging[subscriptionID] = nil
            return .done(subscriptionID: subscriptionID)
        }
        page.until = until
        (page.oldest, page.newest) = (nil, nil)
        page.pages += 1
        paging[subscriptionID] = page
        let filters = page.filters.map { filter in
            var filter = filter
            filter.until = min(filter.until ?? until, until)
            return filter
        }
        return .next(subscriptionID: subscriptionID, filters: filters)
    }

    /// A new connection subscribes afresh from its cursors: no catch-up goes on.
    public mutating func reset() { paging = [:] }
}
