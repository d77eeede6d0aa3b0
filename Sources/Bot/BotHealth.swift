import Gate
import NostrIngress

/// Whether the bot can do its job: at least one relay connected and the ledger writable (`/healthz`).
public struct BotHealth: Sendable {
    let pool: RelayPool
    let ledger: any Ledger
    let metrics: BotMetrics

    /// Healthy, or the reason not; `checkLedger: false` only refreshes the relay and inbox-buffer gauges (`/metrics`).
    public func check(checkLedger: Bool = true) async -> (healthy: Bool, detail: String) {
        let states = await pool.status()
        metrics.relayStates(states.map { ($0.url, $0.state.rawValue, $0.catchUps) })
        metrics.inboxBuffer(buffered: pool.events.count, peak: pool.events.highWater)
        let connected = states.filter { $0.state == .connected }.map(\.url)
        guard !connected.isEmpty else { return (false, "no relay connected") }
        if checkLedger, !(await ledger.isWritable()) { return (false, "the ledger is not writable") }
        return (true, "ok: \(connected.count)/\(states.count) relays connected")
    }
}
