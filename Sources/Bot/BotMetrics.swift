import Metrics

/// The bot's metrics through swift-metrics (exported by `operator-gate run --metrics` in Prometheus format).
/// Names are prefixed `operator_gate_`.
public struct BotMetrics: Sendable {
    public init() {}

    /// An event delivered by a relay (after the pool's cross-relay deduplication).
    public func event(relay: String, kind: Int) {
        Counter(label: "operator_gate_events_total", dimensions: [("relay", relay), ("kind", Self.kindLabel(kind))]).increment()
    }

    /// The `kind` label: the kinds the bot subscribes to by number, anything else a relay sends as `other`, so a
    /// relay cannot create 65,536 time series.
    static func kindLabel(_ kind: Int) -> String {
        switch kind {
        case 4, 1059: return String(kind)
        default: return "other"
        }
    }

    /// An inbox decision: drops by reason, answers by outcome.
    public func decision(_ decision: InboxDecision) {
        switch decision {
        case .drop(let reason, _, _):
            Counter(label: "operator_gate_drops_total", dimensions: [("reason", reason.label)]).increment()
        case .answer(_, _, _, let outcome):
            Counter(label: "operator_gate_answers_total", dimensions: [("outcome", outcome.rawValue)]).increment()
        case .answerStranger:
            Counter(label: "operator_gate_answers_total", dimensions: [("outcome", "stranger")]).increment()
        case .execute, .deliver:
            break
        }
    }

    /// An event dropped by the relay connection's prescreen, undecoded (counted as a stranger's).
    public func prescreened() {
        Counter(label: "operator_gate_drops_total", dimensions: [("reason", "stranger")]).increment()
    }

    /// A command run through the Gate: outcome `executed`, `prior` (already done), or `failed`.
    public func command(action: String, outcome: String, seconds: Double) {
        Counter(label: "operator_gate_commands_total", dimensions: [("action", action), ("outcome", outcome)]).increment()
        Timer(label: "operator_gate_command_duration_seconds", dimensions: [("action", action)]).recordSeconds(seconds)
    }

    /// A reply published (or not) to the relays.
    public func reply(published: Bool) {
        Counter(label: "operator_gate_replies_total", dimensions: [("result", published ? "published" : "retrying")]).increment()
    }

    /// Relay connection states, as gauges per relay and state (1 for the current state, 0 otherwise), and how many
    /// times the bot fell behind each relay and asked it again for what it stored meanwhile (``RelayStatus/catchUps``).
    public func relayStates(_ states: [(url: String, state: String, catchUps: Int)]) {
        for (url, current, catchUps) in states {
            for state in ["idle", "connecting", "connected", "waiting", "stopped"] {
                Gauge(label: "operator_gate_relay_state", dimensions: [("relay", url), ("state", state)]).record(state == current ? 1 : 0)
            }
            Gauge(label: "operator_gate_relay_catch_ups", dimensions: [("relay", url)]).record(catchUps)
        }
    }

    /// Events read off the relays and not yet taken by the inbox (``IngressBuffer``), now and at most so far: a
    /// backlog that stays at the buffer's limit means relays' readers wait (and catch up later).
    public func inboxBuffer(buffered: Int, peak: Int) {
        Gauge(label: "operator_gate_inbox_buffered_events").record(buffered)
        Gauge(label: "operator_gate_inbox_buffered_events_peak").record(peak)
    }
}
