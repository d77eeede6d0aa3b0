import CoreMetrics
import Encoding

/// Where a command's time goes: each step records its duration into one swift-metrics timer,
/// `operator_gate_stage_seconds{stage}` (a histogram in `run --metrics`), so that `operator-gate-bench e2e` can break
/// the DM→answer latency down from the bot's own measurements. The Gate records ``GateStage``, the bot its
/// `CommandStage`; Gitea requests have their own timer (`operator_gate_gitea_request_duration_seconds`).
public enum StageTimer {
    public static let label = "operator_gate_stage_seconds"

    /// Records the time from `start` to now for `stage` (its raw value is the label's `stage` dimension).
    public static func record<Stage: RawRepresentable>(_ stage: Stage, since start: ContinuousClock.Instant) where Stage.RawValue == String {
        record(stage, ContinuousClock.now - start)
    }

    public static func record<Stage: RawRepresentable>(_ stage: Stage, _ duration: Duration) where Stage.RawValue == String {
        Timer(label: label, dimensions: [("stage", stage.rawValue)]).recordNanoseconds(duration.inNanoseconds)
    }
}

/// The Gate's own steps (``StageTimer``).
public enum GateStage: String, Sendable, CaseIterable {
    /// The ledger claim's commit (before anything is sent to Gitea).
    case ledgerClaim = "ledger_claim"
    /// The ledger completion's commit (after Gitea answered).
    case ledgerComplete = "ledger_complete"
}
