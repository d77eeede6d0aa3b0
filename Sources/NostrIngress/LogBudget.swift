/// How many log lines one source (a relay) may write: a burst, then one per interval; the rest are counted
/// and reported with the next line that is written.
///
/// Pure: the caller passes the time. A relay that sends 20,000 NOTICEs costs a few log lines, not 20,000.
///
///     burst 5, interval 10 s      time   asked  written  note
///                                 0 s    1…5    yes      the burst
///                                 0 s    6…900  no       895 suppressed
///                                 10 s   901    yes      "895 similar lines suppressed"
///                                 10 s   902    no       1 suppressed
public struct LogBudget: Sendable, Equatable {
    /// The outcome of asking to write one line.
    public enum Decision: Sendable, Equatable {
        /// Write it; `suppressed` lines were dropped since the last one written.
        case write(suppressed: Int)
        /// Drop it (it is counted).
        case suppress
    }

    public let burst: Int
    public let interval: Duration
    private var tokens: Int
    private var refilledAt: ContinuousClock.Instant?
    private var suppressed = 0

    public init(burst: Int = 10, interval: Duration = .seconds(10)) {
        self.burst = max(1, burst)
        self.interval = interval
        self.tokens = max(1, burst)
    }

    /// Asks to write one line at `now`.
    public mutating func ask(now: ContinuousClock.Instant) -> Decision {
        if let refilledAt {
            // One token per elapsed interval, up to the burst.
            let elapsed = now - refilledAt
            if elapsed >= interval {
                let earned = Int(min(Double(burst), (elapsed / interval).rounded(.down)))
                tokens = min(burst, tokens + earned)
                self.refilledAt = now
            }
        } else {
            refilledAt = now
        }
        guard tokens > 0 else {
            suppressed += 1
            return .suppress
        }
        tokens -= 1
        defer { suppressed = 0 }
        return .write(suppressed: suppressed)
    }
}
