import Foundation
import Synchronization
import TestSupport
import Testing

/// Issue #11's "done when": a relay in the bot's list sends the whole hostile battery; the bot stays up with
/// bounded memory and few log lines, then executes the next operator command (sent through a real relay) once.
@Suite(.serialized) struct HostileRelayTests {
    @Test func theBotOutlivesAHostileRelayAndThenExecutesOnce() async throws {
        let log = HostileRelay.Log()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await HostileRelay.run(log: log) { bound in log.port.withLockedValue { $0 = bound } } }
            let hostile = try await LoopbackWebSocketDouble.url(log.port)
            try await BotHarness.with([.nostrRelay()], extraRelays: [hostile]) { h in
                try h.startBot()
                try await h.waitUntilRunning()
                let deadline = Date().addingTimeInterval(120)
                while !log.batteryDone.withLockedValue({ $0 }) && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
                #expect(log.batteryDone.withLockedValue { $0 }, "the battery was not sent")
                try await Task.sleep(for: .seconds(2))
                #expect(h.process?.isRunning == true, "the bot died:\n\(h.logTail())")
                let memory = try #require(h.memory())

                let reply = try await h.ask("issue After the storm", from: h.alice, scheme: "nip17")
                #expect(reply.hasPrefix("✓"), "\(reply)")
                #expect(await h.state.items("ops/tc").filter { $0.title == "After the storm" }.count == 1)
                let writes = await h.state.writes.count
                try await Task.sleep(for: .seconds(1))
                #expect(await h.state.writes.count == writes)

                // Bounded: memory, and the log lines the relay caused (20,000 NOTICEs, 40,000 unknown-subscription frames).
                #expect(memory.peak < 200, "peak RSS \(memory.peak) MB")
                let logText = (try? String(contentsOfFile: h.logFile, encoding: .utf8)) ?? ""
                let relayLines = logText.split(separator: "\n").filter { $0.contains(hostile) }
                #expect(relayLines.count < 100, "\(relayLines.count) log lines about the hostile relay")
                #expect(
                    relayLines.allSatisfy { $0.utf8.count < 4096 },
                    "a log line over 4 KB: \(relayLines.first { $0.utf8.count >= 4096 }.map { String($0.prefix(800)) } ?? "")")
                print(
                    "hostile relay: \(log.framesSent.withLockedValue { $0 }) frames sent on \(log.connections.withLockedValue { $0 }) connection(s); "
                        + "bot RSS after the battery \(String(format: "%.1f", memory.now)) MB, peak \(String(format: "%.1f", memory.peak)) MB; "
                        + "\(relayLines.count) log lines about that relay")
            }
            group.cancelAll()
        }
    }
}
