/// How long a periodic sweep waits before its next pass: `base` after a pass that found work (or after being told
/// that work may be waiting: ``reset()``), twice as long after each pass that found nothing, up to `maximum`.
/// An idle process wakes less and less often; a sweep with something to do keeps its pace (issue #13: sweeps back
/// off to seconds instead of waking an idle process on a fixed beat).
///
/// | passes that found nothing | base 5 s, maximum 60 s | base 15 s, maximum 60 s |
/// |---|---|---|
/// | 0 | 5 s | 15 s |
/// | 1 | 10 s | 30 s |
/// | 2 | 20 s | 60 s |
/// | 3 | 40 s | 60 s |
/// | 4 or more | 60 s | 60 s |
public struct SweepSchedule: Sendable, Equatable {
    /// The wait while passes find work.
    public let base: Duration
    /// The longest wait, however long nothing was found (never below `base`).
    public let maximum: Duration
    /// Passes in a row that found nothing.
    public private(set) var idlePasses = 0

    public init(base: Duration, maximum: Duration) {
        self.base = base
        self.maximum = Swift.max(base, maximum)
    }

    /// The wait before the next pass.
    public var wait: Duration {
        var wait = base
        var doublings = idlePasses
        // Doubling stops at the maximum, so the count of passes never reaches the arithmetic.
        while doublings > 0 && wait < maximum {
            wait = wait * 2
            doublings -= 1
        }
        return Swift.min(wait, maximum)
    }

    /// Records a pass: one that found work brings the wait back to `base`, one that did not doubles it.
    public mutating func passed(foundWork: Bool) {
        idlePasses = foundWork ? 0 : Swift.min(idlePasses + 1, 64)
    }

    /// Work may be waiting (someone said so): the next wait is `base` again.
    public mutating func reset() { idlePasses = 0 }
}
