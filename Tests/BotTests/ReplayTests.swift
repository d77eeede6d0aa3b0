import Foundation
import GiteaSimulator
import NostrCore
import TestSupport
import Testing

/// `operator-gate replay` without `--dry-run`: captured DMs run through the Gate for real, once.
@Suite(.serialized) struct ReplayTests {
    /// A DM captured by `dm listen --capture` (nobody answered it) is replayed: it executes once, a second replay
    /// writes nothing, and the next `run` publishes the reply the replay stored, once.
    @Test func replayExecutesOnceAndTheNextRunPublishesTheStoredReply() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            let capture = h.directory.appendingPathComponent("listened.jsonl").path
            let listener = try OperatorGateProcess.start(
                [
                    "dm", "listen", "--sec-file", h.directory.appendingPathComponent("bot.nsec").path,
                    "--relay", h.relays[0].url, "--capture", capture, "--count", "1", "--timeout", "20"
                ],
                environment: ["OPERATOR_GATE_NSEC": ""])
            try await Task.sleep(for: .seconds(1))
            try await h.send("issue Replayed for real", from: h.alice, scheme: "nip17")
            let (listened, _, listenErrors) = await OperatorGateProcess.finish(listener, timeout: 25)
            #expect(listened == 0, "\(listenErrors)")
            #expect(await h.state.writes.isEmpty)

            func replay() async throws -> [[String: Any]] {
                let (status, out, errors) = try await OperatorGateProcess.run(["replay", capture, "--config", h.configPath])
                #expect(status == 0, "\(errors)")
                return out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            }
            let first = try await replay()
            #expect(first.count == 1 && first.first?["decision"] as? String == "execute", "\(first)")
            #expect(await h.state.writes.count == 1)
            let number = try #require(await h.state.items("ops/tc").first { $0.title == "Replayed for real" }?.number)
            // The first replay recorded the DM as processed: the second drops it before the command stage.
            let second = try await replay()
            #expect(second.isEmpty, "\(second)")
            #expect(await h.state.writes.count == 1)

            // The replay stored its reply; `run` publishes it (the DM itself is already processed).
            try h.startBot()
            try await h.waitUntilRunning()
            let replies = try await h.awaitReplies(to: h.alice, count: 1)
            try await Task.sleep(for: .seconds(2))
            let settled = try await h.replies(to: h.alice)
            #expect(settled.count == 1 && settled.map(\.id) == replies.map(\.id), "\(settled.map(\.text))")
            #expect(settled.first?.text.contains("ops/tc#\(number)") == true, "\(settled.map(\.text))")
            #expect(await h.state.writes.count == 1)
        }
    }
}
