import Bot
import Foundation
import GiteaSimulator
import NostrCore
import TestSupport
import Testing

/// `operator-gate run` executes commands on different issues at once, and commands on one issue in arrival order:
/// while Gitea holds a comment on one issue for 3 s, a comment on another issue is written first, and a close of
/// the slow issue is written only after its comment.
///
/// One at a time (before `parallel_commands`) the writes were: slow comment, quick comment, close.
@Suite(.serialized) struct ParallelCommandsEndToEndTests {
    @Test func aSlowCommandHoldsUpOnlyItsOwnIssue() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            try h.startBot()
            try await h.waitUntilRunning()
            let first = try await h.ask("issue Slow one", from: h.alice, scheme: "nip04")
            let second = try await h.ask("issue Quick one", from: h.alice, scheme: "nip04")
            let slow = try #require(BotEndToEndTests.number(in: first), "\(first)")
            let quick = try #require(BotEndToEndTests.number(in: second), "\(second)")
            let writesBefore = await h.state.writes.count

            await h.state.inject(.delay(seconds: 3))
            try await h.send("comment tc#\(slow) held by Gitea", from: h.alice, scheme: "nip04")
            let deadline = Date().addingTimeInterval(20)
            while await h.state.firedFaults.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await h.state.firedFaults == [.delay(seconds: 3)], "the slow request was not reached")
            try await h.send("comment tc#\(quick) not held", from: h.alice, scheme: "nip17")
            try await h.send("close tc#\(slow)", from: h.alice, scheme: "nip04")

            let replies = try await h.awaitReplies(to: h.alice, count: 5, timeout: 30)
            #expect(replies.count == 5 && replies.allSatisfy { $0.text.hasPrefix("✓") }, "\(replies.map(\.text))")
            let writes = await h.state.writes.dropFirst(writesBefore).map { "\($0.0) \($0.1)" }
            let order = writes.map { write in
                write.hasSuffix("/issues/\(quick)/comments")
                    ? "quick comment"
                    : write.hasSuffix("/issues/\(slow)/comments")
                        ? "slow comment"
                        : write.hasSuffix("/issues/\(slow)") ? "slow close" : write
            }
            // A close is two writes: the state, then its proof comment.
            #expect(order == ["quick comment", "slow comment", "slow close", "slow comment"], "\(writes)")
        }
    }
}
