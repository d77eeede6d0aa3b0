/// Where the inbox subscription resumes, per scheme, and the filters that follow from it.
///
/// Gift wraps (kind 1059) carry a `created_at` randomized up to two days into the past, so resuming them
/// with `since = newest seen + 1` (what several clients did) skips messages. The rules here:
///
/// | scheme | cursor (persisted)                      | `since` sent to relays         |
/// |--------|-----------------------------------------|--------------------------------|
/// | NIP-04 | newest processed kind-4 `created_at`    | cursor − 5 min                 |
/// | NIP-17 | newest processed rumor `created_at`     | cursor − 2 days − 5 min        |
/// | none   | first start                             | now − lookback (− 2 days for 1059) |
///
/// Cursors never move past `now` (a sender-chosen timestamp in the future must not skip later messages).
public struct InboxCursor: Sendable, Equatable {
    /// Newest processed kind-4 event time, or `nil` on a first start.
    public var nip04: Int64?
    /// Newest processed NIP-17 rumor time, or `nil` on a first start.
    public var nip17: Int64?

    public static let skew: Int64 = 5 * 60
    public static let giftWrapBackdating: Int64 = 2 * 24 * 60 * 60

    public init(nip04: Int64? = nil, nip17: Int64? = nil) { (self.nip04, self.nip17) = (nip04, nip17) }

    /// The `since` for kind 4.
    public func nip04Since(now: Int64, lookback: Int64) -> Int64 {
        Self.before(nip04.map { Self.before(min($0, now), Self.skew) } ?? Self.before(now, lookback), 0)
    }

    /// The `since` for kind 1059.
    public func giftWrapSince(now: Int64, lookback: Int64) -> Int64 {
        Self.before(nip17.map { Self.before(min($0, now), Self.skew) } ?? Self.before(now, lookback), Self.giftWrapBackdating)
    }

    /// The oldest message time the inbox still accepts on a first start or resume, per scheme.
    public func earliestMessageTime(now: Int64, lookback: Int64) -> (nip04: Int64, nip17: Int64) {
        (
            nip04.map { Self.before(min($0, now), Self.skew) } ?? Self.before(now, lookback),
            nip17.map { Self.before(min($0, now), Self.skew) } ?? Self.before(now, lookback)
        )
    }

    /// `time − seconds`, never below 0 (the epoch) and never trapping, whatever a stored cursor or an option says.
    static func before(_ time: Int64, _ seconds: Int64) -> Int64 {
        let (value, overflow) = time.subtractingReportingOverflow(seconds)
        return overflow || value < 0 ? 0 : value
    }

    /// The inbox subscriptions for `recipient`: kind 4 and kind 1059, each `#p`-tagged to it.
    /// - Parameter nip04Authors: the only kind-4 authors whose messages are read (hex keys), so that relays do not
    ///   send the others at all; `nil`: every author's. Gift wraps cannot be asked by sender (their authors are
    ///   one-time keys).
    public func filters(recipient: PublicKey, now: Int64, lookback: Int64, nip04Authors: [String]? = nil) -> [String: [Filter]] {
        [
            "inbox-nip04": [
                Filter(authors: nip04Authors, kinds: [4], tags: ["p": [recipient.hex]], since: nip04Since(now: now, lookback: lookback))
            ],
            "inbox-nip17": [Filter(kinds: [1059], tags: ["p": [recipient.hex]], since: giftWrapSince(now: now, lookback: lookback))]
        ]
    }

    /// Moves a cursor forward after a message was processed (never backwards, never past `now`).
    public mutating func advance(scheme: DirectMessage.Scheme, messageTime: Int64, now: Int64) {
        let value = min(messageTime, now)
        switch scheme {
        case .nip04: nip04 = max(nip04 ?? value, value)
        case .nip17: nip17 = max(nip17 ?? value, value)
        }
    }
}
