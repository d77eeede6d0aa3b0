import CLISupport
import Foundation
import NIOConcurrencyHelpers
import Testing

/// ``PhaseTurns``, the turn-taking of `bench e2e`'s bots: phases alternate bot by bot, never overlap, and a bot that
/// fails or finishes releases the others.
@Suite struct PhaseTurnsTests {
    /// What ran, in order, and the most phases that ever ran at once.
    final class Log: Sendable {
        private let state = NIOLockedValueBox<(entries: [String], running: Int, most: Int)>(([], 0, 0))
        func start(_ entry: String) {
            state.withLockedValue {
                $0.entries.append(entry)
                $0.running += 1
                $0.most = max($0.most, $0.running)
            }
        }
        func stop() { state.withLockedValue { $0.running -= 1 } }
        var entries: [String] { state.withLockedValue { $0.entries } }
        var most: Int { state.withLockedValue { $0.most } }
    }

    /// Three bots of three phases each, started in reverse order and each phase of a random length: phase k of every
    /// bot, in bot order, before phase k + 1 of any; one phase at a time.
    @Test(.timeLimit(.minutes(1))) func phasesAlternateBotByBotAndNeverOverlap() async throws {
        let turns = PhaseTurns(bots: 3)
        let log = Log()
        await withTaskGroup(of: Void.self) { group in
            for bot in [2, 1, 0] {
                group.addTask {
                    for phase in 0..<3 {
                        await turns.begin(bot)
                        log.start("\(phase).\(bot)")
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 0...5)))
                        log.stop()
                        await turns.end(bot)
                    }
                }
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
        #expect(log.entries == ["0.0", "0.1", "0.2", "1.0", "1.1", "1.2", "2.0", "2.1", "2.2"])
        #expect(log.most == 1)
    }

    /// A bot that fails in its first phase ends the turn-taking: the bot waiting for the next turn goes on, and so
    /// do all its later phases (nobody waits for the failed one any more).
    @Test(.timeLimit(.minutes(1))) func aFailedBotReleasesTheOthers() async throws {
        let turns = PhaseTurns(bots: 2)
        let log = Log()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await turns.begin(0)
                try? await Task.sleep(for: .milliseconds(20))
                await turns.finish()
            }
            group.addTask {
                for phase in 0..<3 {
                    await turns.begin(1)
                    log.start("\(phase).1")
                    log.stop()
                    await turns.end(1)
                }
            }
        }
        #expect(log.entries == ["0.1", "1.1", "2.1"])
    }
}
