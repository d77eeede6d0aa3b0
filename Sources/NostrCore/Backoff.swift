/// Reconnect delays: exponential backoff with full jitter.
///
/// The ceiling doubles with each consecutive failure from `base` up to `cap`; the delay is a uniformly random
/// fraction of it ("full jitter"), so a fleet of bots does not reconnect in lock step after a relay restart.
/// With the defaults (1 s base, 60 s cap):
///
/// | failures so far | ceiling | delay with jitter 0.5 |
/// |----------------:|--------:|----------------------:|
/// | 0               |    1 s  |  0.5 s                |
/// | 1               |    2 s  |  1 s                  |
/// | 2               |    4 s  |  2 s                  |
/// | 3               |    8 s  |  4 s                  |
/// | 5               |   32 s  | 16 s                  |
/// | 6 and more      |   60 s  | 30 s                  |
public enum Backoff {
    /// The delay before the next attempt.
    /// - Parameters:
    ///   - failures: consecutive failed or dropped connections before this one (0 for the first retry).
    ///   - jitter: a random number in `0..<1` (passed in, so the function stays pure and testable).
    public static func delay(failures: Int, base: Duration = .seconds(1), cap: Duration = .seconds(60), jitter: Double) -> Duration {
        precondition(failures >= 0 && (0...1).contains(jitter))
        let ceiling = failures >= 62 ? cap : min(cap, base * (1 << min(failures, 30)))
        return ceiling * jitter
    }
}
