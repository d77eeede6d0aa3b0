/// A per-sender limit of commands per minute (a sliding 60-second window), with at most one
/// "slow down" notice per sender per minute.
///
/// | in the last 60 s          | last notice      | verdict                  |
/// |---------------------------|------------------|--------------------------|
/// | fewer than `perMinute`    | any              | `allowed` (counted)      |
/// | `perMinute` or more       | none, or ≥ 60 s  | `limited(notify: true)`  |
/// | `perMinute` or more       | < 60 s ago       | `limited(notify: false)` |
///
/// Limited commands are not counted, so a sender who keeps sending gets through again once the window moves.
/// Senders are told apart by `Sender` (the inbox uses operators' keys, notices their recipients' hex keys).
public struct RateLimiter<Sender: Hashable & Sendable>: Sendable {
    public enum Verdict: Sendable, Equatable {
        case allowed
        case limited(notify: Bool)
    }

    public let perMinute: Int
    private var recent: [Sender: [Int64]] = [:]
    private var lastNotice: [Sender: Int64] = [:]

    public init(perMinute: Int) { self.perMinute = perMinute }

    /// Decides for one command from `sender` at `now` (Unix seconds).
    public mutating func check(_ sender: Sender, now: Int64) -> Verdict {
        var times = recent.removeValue(forKey: sender) ?? []
        defer { recent[sender] = times }
        // Times are appended in arrival order: drop the expired prefix (usually nothing) without copying the rest.
        let expired = times.firstIndex { now - $0 < 60 } ?? times.count
        if expired > 0 { times.removeFirst(expired) }
        if times.count < perMinute {
            times.append(now)
            return .allowed
        }
        if let last = lastNotice[sender], now - last < 60 { return .limited(notify: false) }
        lastNotice[sender] = now
        return .limited(notify: true)
    }
}
