import Foundation
import Gate
import GiteaSimulator
import TestSupport
import Testing

/// A real `operator-gate gate exec` process is SIGKILLed after its Gitea write committed and before the ledger
/// recorded completion; the restarted process finds the write by its key and never writes twice.
@Suite(.serialized) struct CrashRecoveryTests {
    /// `gate` tool arguments for a fresh ledger and a private token file, against the harness's simulator.
    static func gateArguments(_ h: SimulatorHarness) throws -> [String] {
        let directory = ScratchDirectory.root.appendingPathComponent("og-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tokenFile = directory.appendingPathComponent("gitea.token").path
        try "bot-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        return [
            "--ledger", directory.appendingPathComponent("ledger.sqlite").path, "--gitea", h.url.absoluteString,
            "--token-file", tokenFile, "--login", "gatebot", "--timeout", "30"
        ]
    }

    @Test func killedAfterTheWriteThenRestartedWritesOnce() async throws {
        try await SimulatorHarness.with { h in
            let arguments = try Self.gateArguments(h)
            let command =
                #"{"source":"nostr:alice","action":"create_issue","repo":"ops/tc","payload":{"title":"Crash me","body":"b"},"origin":{"event_id":"e-crash","created_at":1}}"#

            // The write commits, then the simulator holds the response; the process is killed while it waits.
            await h.state.inject(.stallAfterCommit(seconds: 10))
            let victim = try OperatorGateProcess.start(["gate", "exec"] + arguments, stdin: command)
            let deadline = Date().addingTimeInterval(20)
            while await h.state.writes.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await h.state.writes.count == 1)
            kill(victim.process.processIdentifier, SIGKILL)
            let (status, _, _) = await OperatorGateProcess.finish(victim)
            #expect(status == SIGKILL)

            // Restart: recovery probes Gitea, finds the issue by its key, records it done.
            let (recoverStatus, recovered, recoverLog) = try await OperatorGateProcess.run(["gate", "recover", "--verbose"] + arguments)
            #expect(recoverStatus == 0, "gate recover: \(recoverLog.suffix(3000))")
            let ack = try #require(Ack.parse(recovered.split(separator: "\n").first.map(String.init) ?? ""), "\(recovered)")
            #expect(ack.success && ack.message.hasPrefix("found already done") && ack.number != nil)

            // The operator's client re-sends the same DM: answered from the ledger.
            let (repeatStatus, repeated, _) = try await OperatorGateProcess.run(["gate", "exec"] + arguments, stdin: command)
            #expect(repeatStatus == 0)
            #expect(Ack.parse(repeated.trimmingCharacters(in: .whitespacesAndNewlines))?.priorExecution == true)
            #expect(await h.state.writes.count == 1)
            #expect(await h.state.items(SimulatorHarness.repo).filter { $0.title == "Crash me" }.count == 1)
        }
    }

    /// The same kill, then simply the same command again (no `gate recover`, no restart of anything): the new
    /// process sees the claim's owner is gone, takes the claim over, probes, finds the issue and answers success.
    /// Before owners and leases it answered "already in progress" until the next `run` start.
    @Test func killedMidCallThenTheSameCommandAgainFinishesItOnce() async throws {
        try await SimulatorHarness.with { h in
            let arguments = try Self.gateArguments(h)
            let command = #"{"source":"nostr:alice","action":"create_issue","repo":"ops/tc","payload":{"title":"Kill me","body":"b"}}"#
            await h.state.inject(.stallAfterCommit(seconds: 10))
            let victim = try OperatorGateProcess.start(["gate", "exec"] + arguments, stdin: command)
            let deadline = Date().addingTimeInterval(20)
            while await h.state.writes.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            kill(victim.process.processIdentifier, SIGKILL)
            _ = await OperatorGateProcess.finish(victim)

            let started = Date()
            let (status, output, log) = try await OperatorGateProcess.run(["gate", "exec"] + arguments, stdin: command)
            #expect(status == 0, "\(log.suffix(2000))")
            let ack = try #require(Ack.parse(output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(output)")
            #expect(ack.success && ack.number != nil && ack.message.hasPrefix("found already done"), "\(ack.message)")
            #expect(Date().timeIntervalSince(started) < 10, "it should not wait for the dead process's lease")
            #expect(await h.state.writes.count == 1)
            #expect(await h.state.items(SimulatorHarness.repo).filter { $0.title == "Kill me" }.count == 1)
        }
    }

    /// The same kill, then recovery while Gitea is unreachable: it must not execute (it cannot prove the write
    /// did not happen), says why, and leaves the entry claimed; once Gitea is back, recovery finds the write.
    @Test func recoveryRefusesToExecuteWhileGiteaIsUnreachable() async throws {
        try await SimulatorHarness.with { h in
            let arguments = try Self.gateArguments(h)
            let command = #"{"source":"nostr:alice","action":"create_issue","repo":"ops/tc","payload":{"title":"Unreachable","body":"b"}}"#
            await h.state.inject(.stallAfterCommit(seconds: 10))
            let victim = try OperatorGateProcess.start(["gate", "exec"] + arguments, stdin: command)
            let deadline = Date().addingTimeInterval(20)
            while await h.state.heldAfterCommit == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await h.state.heldAfterCommit == 1, "the write was not reached")
            kill(victim.process.processIdentifier, SIGKILL)
            _ = await OperatorGateProcess.finish(victim)

            // Gitea unreachable: a closed loopback port.
            let closed = try FreePort.find()
            var unreachable = arguments
            unreachable[unreachable.firstIndex(of: "--gitea")! + 1] = "http://127.0.0.1:\(closed)"
            let (_, refused, refusedLog) = try await OperatorGateProcess.run(["gate", "recover"] + unreachable)
            let ack = try #require(Ack.parse(refused.split(separator: "\n").first.map(String.init) ?? ""), "\(refused)\(refusedLog)")
            #expect(
                !ack.success && ack.message.contains("cannot check Gitea for an earlier execution") && ack.message.contains("not executed"),
                "\(ack.message)")
            let (_, claimed, _) = try await OperatorGateProcess.run([
                "ledger", "list", "--state", "claimed",
                "--ledger", arguments[arguments.firstIndex(of: "--ledger")! + 1]
            ])
            #expect(claimed.contains("Unreachable"), "\(claimed)")
            #expect(await h.state.writes.count == 1)

            let (status, recovered, log) = try await OperatorGateProcess.run(["gate", "recover"] + arguments)
            #expect(status == 0, "\(log.suffix(2000))")
            #expect(
                Ack.parse(recovered.split(separator: "\n").first.map(String.init) ?? "")?.message.hasPrefix("found already done") == true,
                "\(recovered)")
            #expect(await h.state.writes.count == 1)
            #expect(await h.state.items(SimulatorHarness.repo).filter { $0.title == "Unreachable" }.count == 1)
        }
    }

    @Test func execRefusesToRunWithoutAToken() async throws {
        try await SimulatorHarness.with { h in
            let (status, _, errors) = try await OperatorGateProcess.run(
                [
                    "gate", "exec", "--gitea", h.url.absoluteString, "--login", "gatebot",
                    "--ledger", SimulatorHarness.ledgerPath()
                ], stdin: "{}")
            #expect(status == 1)
            #expect(errors.contains("no Gitea token"), "\(errors)")
        }
    }
}
