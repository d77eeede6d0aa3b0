import CoreMetrics
import Encoding
import Synchronization

/// Where a command's time goes: each step records its duration into one swift-metrics timer,
/// `operator_gate_stage_seconds{stage}` (a histogram in `run --metrics`), so that `operator-gate-bench e2e` can break
/// the DM→answer latency down from the bot's own measurements. The Gate records ``GateStage``, the bot its
/// `CommandStage`; Gitea requests have their own timer (`operator_gate_gitea_request_duration_seconds`).
public enum StageTimer {
    public static let label = "operator_gate_stage_seconds"
    /// Histogram buckets for these timers and the Gitea requests': a command's own stages take tens to hundreds of
    /// µs and a loopback Gitea call under a millisecond, below the Prometheus client's first default (5 ms), so the
    /// finer ones come first; then the client's defaults, up to 10 s.
    public static let histogramBuckets: [Duration] =
        [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500)]
        + [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000].map { .milliseconds($0) }
    /// Timers made once by ``makeTimers(for:)``, by stage; a stage without one asks the metrics factory each time.
    private static let timers = Mutex<[String: Timer]>([:])

    /// Makes the timers of every case of `stages` once, from the metrics factory bootstrapped by now, for ``record``
    /// to use (the factory's lookup by label and dimensions took about 1 % of a command's CPU, nine times a command).
    /// Call it after `MetricsSystem.bootstrap`; a timer made before would stay with the no-op factory.
    public static func makeTimers<Stage: RawRepresentable & CaseIterable>(for stages: Stage.Type) where Stage.RawValue == String {
        let made = Stage.allCases.map { ($0.rawValue, Timer(label: label, dimensions: [("stage", $0.rawValue)])) }
        timers.withLock { $0.merge(made) { _, new in new } }
    }

    /// Records the time from `start` to now for `stage` (its raw value is the label's `stage` dimension).
    public static func record<Stage: RawRepresentable>(_ stage: Stage, since start: ContinuousClock.Instant) where Stage.RawValue == String {
        record(stage, ContinuousClock.now - start)
    }

    public static func record<Stage: RawRepresentable>(_ stage: Stage, _ duration: Duration) where Stage.RawValue == String {
        let timer = timers.withLock { $0[stage.rawValue] } ?? Timer(label: label, dimensions: [("stage", stage.rawValue)])
        timer.recordNanoseconds(duration.inNanoseconds)
    }
}

/// The Gate's own steps (``StageTimer``).
public enum GateStage: String, Sendable, CaseIterable {
    /// The ledger claim's commit (before anything is sent to Gitea).
    case ledgerClaim = "ledger_claim"
    /// The ledger completion's commit (after Gitea answered).
    case ledgerComplete = "ledger_complete"
}
