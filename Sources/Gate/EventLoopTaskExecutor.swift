import NIOCore

/// A task executor that runs jobs on one NIO event loop: a task that prefers it (`withTaskExecutorPreference`) runs
/// its nonisolated code on that loop's thread, and work it hands the loop (a channel write, a timer) needs no wakeup.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
