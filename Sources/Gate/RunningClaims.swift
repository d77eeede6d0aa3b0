import NIOConcurrencyHelpers

/// The ledger claims this process's commands hold while they run, when one loop renews them all
/// (``GateExecutor/renewRunningClaims()``, run by the bot) instead of a renewal task per command: a child task, a
/// timer scheduled and cancelled, and a join per command cost more than the command's ledger commits (issue #13).
/// Without the loop (`gate exec`, tests) each command renews its own claim (``LeaseRenewal``).
final class RunningClaims: Sendable {
    private struct State {
        var entries: [Int64: LedgerEntry] = [:]
        /// Rung when the first claim is held, so that the loop sleeps only while there is something to renew.
        var bell: AsyncStream<Void>.Continuation?
    }

    private let state = NIOLockedValueBox(State())

    /// Whether a loop renews held claims.
    var areRenewed: Bool { state.withLockedValue { $0.bell != nil } }

    var isEmpty: Bool { state.withLockedValue { $0.entries.isEmpty } }

    func contains(_ id: Int64) -> Bool { state.withLockedValue { $0.entries[id] != nil } }

    /// The claims to renew now.
    func snapshot() -> [LedgerEntry] { state.withLockedValue { Array($0.entries.values) } }

    func hold(_ entry: LedgerEntry) {
        let bell = state.withLockedValue { state -> AsyncStream<Void>.Continuation? in
            state.entries[entry.id] = entry
            return state.entries.count == 1 ? state.bell : nil
        }
        bell?.yield()
    }

    func release(_ id: Int64) { _ = state.withLockedValue { $0.entries.removeValue(forKey: id) } }

    /// The renewing loop starts (`bell` is rung whenever the set stops being empty) or, with `nil`, stops.
    func renewing(_ bell: AsyncStream<Void>.Continuation?) {
        state.withLockedValue { $0.bell = bell }
    }
}
