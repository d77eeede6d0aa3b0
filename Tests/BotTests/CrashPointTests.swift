import Bot
import Foundation
import GiteaSimulator
import NostrCore
import NostrIngress
import TestSupport
import Testing

/// `operator-gate run` is SIGKILLed at each crash point of a command's path, on either ledger, then restarted:
/// the command is written to Gitea once and answered once, by one reply event.
///
/// - after the Gitea write, before the ledger completes: the simulator commits the write and holds its answer;
/// - after the ledger completes, before the reply is stored, and after the reply is stored, before it is
///   published: the process stops itself there (``StopPoint``) and the test kills it.
@Suite(.serialized) struct CrashPointTests {
    enum CrashPoint: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case afterGiteaWrite, afterLedgerCompleted, afterReplyStored
        var testDescription: String { rawValue }
        var stopPoint: StopPoint? {
            switch self {
            case .afterGiteaWrite: nil
            case .afterLedgerCompleted: .ledgerCompleted
            case .afterReplyStored: .replyStored
            }
        }
    }

    enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }
        /// SQLite always; PostgreSQL when the PostgreSQL tests run (always under CI).
        static var available: [Backend] { PostgresScratch.testsRun ? [.sqlite, .postgres] : [.sqlite] }
    }

    /// The running bot of one backend: the harness's own bot on SQLite, instance 0 on a fresh PostgreSQL database.
    struct Bot {
        let harness: BotHarness
        let backend: Backend
        let ledger: String?

        init(_ harness: BotHarness, _ backend: Backend) async throws {
            self.harness = harness
            self.backend = backend
            ledger = backend == .postgres ? try await PostgresScratch.createDatabase() : nil
        }

        func start(environment: [String: String] = [:]) async throws {
            if let ledger {
                try harness.startInstance(0, ledger: ledger, password: PostgresScratch.password ?? "", lease: 3, environment: environment)
                try await harness.waitUntilInstanceRunning(0)
            } else {
                try harness.startBot(environment: environment)
                try await harness.waitUntilRunning()
            }
        }

        var process: Process? { backend == .postgres ? harness.instances[0] : harness.process }
        var dataDirectory: URL { (backend == .postgres ? harness.instanceDirectory(0) : harness.directory).appendingPathComponent("data") }
        var log: String { (try? String(contentsOfFile: backend == .postgres ? harness.instanceLog(0) : harness.logFile, encoding: .utf8)) ?? "" }

        func kill() {
            guard let process, process.isRunning else { return }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test(arguments: CrashPoint.allCases, Backend.available)
    func killedThereThenRestartedWritesOnceAndAnswersOnce(point: CrashPoint, backend: Backend) async throws {
        try await BotHarness.with([.nostrRelay()]) { h in
            let bot = try await Bot(h, backend)
            try await bot.start(environment: point.stopPoint.map { [StopPoint.environmentVariable: $0.rawValue] } ?? [:])
            if point == .afterGiteaWrite { await h.state.inject(.stallAfterCommit(seconds: 20)) }
            let title = "Crash \(point.rawValue) \(backend.rawValue)"
            try await h.send("issue \(title)", from: h.alice, scheme: "nip17")

            // Kill it exactly at the point.
            if let stop = point.stopPoint {
                try await BotHarness.waitUntilStopped(bot.process)
                #expect(stop == .ledgerCompleted || bot.log.contains("command answered"))
            } else {
                let deadline = Date().addingTimeInterval(20)
                while await h.state.heldAfterCommit == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
                #expect(await h.state.heldAfterCommit == 1, "the write was not reached")
            }
            bot.kill()
            #expect(await h.state.writes.count == 1, "killed after the one write")
            #expect(try await h.replies(to: h.alice).isEmpty, "nothing was published before the kill")
            let stored = try InboxStore(path: bot.dataDirectory.appendingPathComponent("inbox.sqlite").path).pendingReplies()
            #expect(stored.count == (point == .afterReplyStored ? 1 : 0), "replies stored before the kill")

            try await bot.start()
            let replies = try await h.awaitReplies(to: h.alice, count: 1, timeout: 40)
            try await Task.sleep(for: .seconds(3))
            let settled = try await h.replies(to: h.alice)
            #expect(settled.count == 1 && replies.map(\.id) == settled.map(\.id), "\(settled.map(\.text))")
            let number = try #require(BotEndToEndTests.number(in: settled.first?.text ?? ""), "\(settled.map(\.text))")
            #expect(await h.state.items("ops/tc").filter { $0.title == title }.map(\.number) == [number])
            #expect(await h.state.writes.count == 1)
            if point == .afterReplyStored {
                // The reply stored before the kill is the one published after the restart.
                let storedRumors = (stored.first?.events ?? []).compactMap { try? NIP59.unwrap($0, recipient: h.alice).rumor.id }
                #expect(storedRumors == [settled[0].id], "a new reply was built instead of the stored one")
            }
        }
    }
}
