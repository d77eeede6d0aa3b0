import NostrCore

/// Relays outside `relays.json` that keep refusing answers (or cannot be reached), set aside for a while so that
/// every answer does not wait on them again. Pure: outcomes and times go in.
///
/// Rest after consecutive refusals (``rest(afterRefusals:)``); an accepted event clears the relay's record:
///
/// | refusals in a row | rest      |
/// |-------------------|-----------|
/// | 1, 2              | none      |
/// | 3                 | 1 min     |
/// | 4                 | 2 min     |
/// | 5                 | 4 min     |
/// | 6                 | 8 min     |
/// | 7                 | 16 min    |
/// | 8 and more        | 30 min    |
///
/// When every relay of a route rests, all are tried anyway: an answer is never left with nowhere to go.
public struct RefusingRelays: Sendable {
    /// Relays tracked at most; beyond it the record untouched longest is forgotten.
    public static let capacity = 1024
    private var records: [String: (refusals: Int, restUntil: ContinuousClock.Instant?, touched: ContinuousClock.Instant)] = [:]

    public init() {}

    /// How long a relay rests after `refusals` refusals in a row (see the table).
    public static func rest(afterRefusals refusals: Int) -> Duration? {
        guard refusals >= 3 else { return nil }
        return .seconds(min(60 << min(refusals - 3, 5), 1800))
    }

    /// Records one outcome; returns the rest the relay now starts, if this outcome set it aside.
    @discardableResult
    public mutating func record(_ url: String, outcome: PublishOutcome, now: ContinuousClock.Instant) -> Duration? {
        guard !outcome.isAccepted else {
            records[url] = nil
            return nil
        }
        if records[url] == nil, records.count >= Self.capacity, let stale = records.min(by: { $0.value.touched < $1.value.touched }) {
            records[stale.key] = nil
        }
        let refusals = (records[url]?.refusals ?? 0) + 1
        let rest = Self.rest(afterRefusals: refusals)
        records[url] = (refusals, rest.map { now + $0 }, now)
        return rest
    }

    /// Whether `url` is set aside at `now`.
    public func isResting(_ url: String, now: ContinuousClock.Instant) -> Bool {
        guard let until = records[url]?.restUntil else { return false }
        return now < until
    }

    /// The relays of `urls` not resting, in order; all of them when every one rests.
    public func usable(_ urls: [String], now: ContinuousClock.Instant) -> [String] {
        let awake = urls.filter { !isResting($0, now: now) }
        return awake.isEmpty ? urls : awake
    }
}
