import Encoding
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The sleep of a periodic sweep (``SweepSchedule``), which others can cut short with ``ring()`` when they know
/// work may be waiting: a command left its ledger claim unresolved, an answer found no relay. The sweep then starts
/// its short wait again instead of finishing a long one.
///
/// The timer is a NIO scheduled task, removed when the sleep ends early (``CancellableSleep`` says why not
/// `Task.sleep`). A ring while nobody sleeps is kept for the next sleep, which then returns at once.
public final class SweepAlarm: Sendable {
    /// Why a sleep ended.
    public enum Wake: Sendable, Equatable {
        /// The whole duration passed.
        case elapsed
        /// ``ring()`` was called during the sleep, or before it.
        case rung
        /// The sleeping task was cancelled.
        case cancelled
    }

    private struct State {
        var scheduled: Scheduled<Void>?
        var rung = false
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Sleeps for `duration`, unless rung (meanwhile, or since the last sleep) or cancelled first.
    public func sleep(for duration: Duration) async -> Wake {
        guard !Task.isCancelled else { return .cancelled }
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let scheduled = state.withLockedValue { state -> Scheduled<Void>? in
            guard !state.rung else {
                state.rung = false
                return nil
            }
            let timer = loop.scheduleTask(in: .nanoseconds(max(0, duration.inNanoseconds))) {}
            state.scheduled = timer
            return timer
        }
        guard let scheduled else { return .rung }
        await withTaskCancellationHandler {
            _ = try? await scheduled.futureResult.get()
        } onCancel: {
            scheduled.cancel()
        }
        let rung = state.withLockedValue { state -> Bool in
            defer { (state.rung, state.scheduled) = (false, nil) }
            return state.rung
        }
        if Task.isCancelled { return .cancelled }
        return rung ? .rung : .elapsed
    }

    /// Runs a periodic sweep until the task is cancelled: `pass` after each wait `schedule` gives (it returns
    /// whether it found work); a ring starts the base wait again instead of finishing the current one.
    public func runPasses(_ schedule: SweepSchedule, _ pass: () async -> Bool) async {
        var schedule = schedule
        while true {
            switch await sleep(for: schedule.wait) {
            case .cancelled: return
            case .rung: schedule.reset()
            case .elapsed: schedule.passed(foundWork: await pass())
            }
        }
    }

    /// Ends the current sleep early with ``Wake/rung`` (or the next one at once, when nobody sleeps now).
    public func ring() {
        let scheduled = state.withLockedValue { state -> Scheduled<Void>? in
            state.rung = true
            defer { state.scheduled = nil }
            return state.scheduled
        }
        scheduled?.cancel()
    }
}
