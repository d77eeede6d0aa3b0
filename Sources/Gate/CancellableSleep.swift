import Encoding
import NIOCore
import NIOPosix

/// A sleep whose timer is removed when the task is cancelled, on a NIO event loop's scheduler.
///
/// `Task.sleep` on Linux arms a dispatch timer that stays armed after the sleeping task is cancelled, and wakes
/// the process at the original deadline anyway. ``LeaseRenewal``'s renewer is cancelled at the end of every
/// command, so each command left a timer firing up to a lease-third later: after 600 commands, 3.7 ms of CPU per
/// second at idle (`operator-gate-bench e2e`, issue #13). A cancelled NIO scheduled task leaves nothing behind.
public enum CancellableSleep {
    /// Returns after `duration`, or at once when the task is (or gets) cancelled.
    public static func sleep(for duration: Duration) async {
        guard !Task.isCancelled else { return }
        let scheduled = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(max(0, duration.inNanoseconds))) {}
        await withTaskCancellationHandler {
            _ = try? await scheduled.futureResult.get()
        } onCancel: {
            scheduled.cancel()
        }
    }
}
