import NIOCore
import NIOPosix
import Testing

@testable import Gate

/// ``EventLoopTaskExecutor``: a task that prefers it runs on the loop's thread, across its suspensions, and leaves
/// it when the preference ends (the bot's code after a Gitea request must not hold the loop that carries its I/O).
@Suite struct EventLoopTaskExecutorTests {
    @Test func aTaskPreferringItRunsOnTheLoopUntilThePreferenceEnds() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = EventLoopTaskExecutor(loop)
        let (before, after) = try await withTaskExecutorPreference(executor) {
            let before = loop.inEventLoop
            try await Task.sleep(for: .milliseconds(5))
            return (before, loop.inEventLoop)
        }
        #expect(before && after, "on the loop at the start and after a suspension")
        try await Task.sleep(for: .milliseconds(5))
        #expect(!loop.inEventLoop, "back on the concurrency pool once the preference ended")
    }
}
