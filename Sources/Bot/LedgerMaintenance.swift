import Gate
import Logging
import NostrCore
import ServiceLifecycle

/// Keeps the ledger and the inbox store in shape while the bot runs, one service of its `ServiceGroup`: the
/// ledger's and the inbox store's checkpoints (``WALCheckpointer``), the lease renewal of running commands'
/// claims, the reconciliation of commands whose process died or whose outcome stayed unknown (without waiting for
/// a restart), and the inbox store's bounds: every 30 s (up to a minute apart while none come) the seen ids of
/// dropped events are written in one batch; at start and every hour, seen ids older than the age window plus two
/// days (no subscription asks for them any more) and replies published more than a day ago are deleted.
public struct LedgerMaintenance: Service {
    let gate: GateExecutor
    let store: InboxStore
    /// How far back subscriptions still reach: seen ids older than this are pruned.
    let horizon: Int64
    let logger: Logger
    let now: @Sendable () -> Int64

    /// - Parameter maxDMAge: the inbox's age window; gift wraps are backdated up to two days beyond it.
    public init(gate: GateExecutor, store: InboxStore, maxDMAge: Int64, logger: Logger, now: @escaping @Sendable () -> Int64) {
        self.gate = gate
        self.store = store
        self.horizon = maxDMAge + InboxCursor.giftWrapBackdating
        self.logger = logger
        self.now = now
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await gate.maintainLedger() }
                group.addTask { await gate.reconcileClaims() }
                group.addTask { await gate.renewRunningClaims() }
                group.addTask { await maintainInbox() }
                group.addTask { await store.maintainLog() }
            }
        }
    }

    func maintainInbox() async {
        var lastPrune: ContinuousClock.Instant?
        // One pass: the prune at start and every hour, else the seen ids waiting; whether it wrote anything (or
        // failed, to be tried again at the short wait).
        func pass() -> Bool {
            do {
                guard lastPrune.map({ ContinuousClock.now - $0 >= .seconds(3600) }) ?? true else { return try store.flushSeen() > 0 }
                let time = now()
                let removed = try store.maintain(seenBefore: time - horizon, publishedBefore: time - 86_400)
                lastPrune = .now
                if removed.seen + removed.replies > 0 {
                    logger.info("inbox pruned", metadata: ["seen_ids": "\(removed.seen)", "published_replies": "\(removed.replies)"])
                }
                return removed.seen + removed.replies > 0
            } catch {
                logger.warning("inbox maintenance failed; retrying in 30 s", metadata: ["error": "\(error)"])
                return true
            }
        }
        // At start, then every 30 s while dropped events' ids come in; up to a minute apart while none do.
        var schedule = SweepSchedule(base: .seconds(30), maximum: .seconds(60))
        schedule.passed(foundWork: pass())
        await SweepAlarm().runPasses(schedule) { pass() }
    }
}
