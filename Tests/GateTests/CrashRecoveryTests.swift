import Foundation
import Gate
import GiteaSimulator
import Testing
import TestSupport

/// A real `operator-gate gate exec` process is SIGKILLed after its Gitea write committed and before the ledger
/// recorded completion; the restarted process finds the write by its key and never writes twice.
@Suite(.serialized) struct CrashRecoveryTests {
    static var binary: String { RustNostrPeer.packageRoot.appendingPathComponent(".build/debug/operator-gate").path }

    static func start(_ arguments: [String], stdin: String) throws -> (Process, Pipe) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw RustNostrPeer.PeerError("\(binary) is missing: run scripts/test (it builds the executable first)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        return (process, output)
    }

    static func finish(_ process: Process, _ output: Pipe, timeout: TimeInterval = 20) -> (Int32, String) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test func killedAfterTheWriteThenRestartedWritesOnce() async throws {
        try await SimulatorHarness.with { h in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("og-crash-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let tokenFile = directory.appendingPathComponent("gitea.token").path
            try "bot-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let arguments = ["--ledger", directory.appendingPathComponent("ledger.sqlite").path, "--gitea", h.url.absoluteString,
                             "--token-file", tokenFile, "--login", "gatebot", "--timeout", "30"]
            let command = #"{"source":"nostr:alice","action":"create_issue","repo":"ops/tc","payload":{"title":"Crash me","body":"b"},"origin":{"event_id":"e-crash","created_at":1}}"#

            // The write commits, then the simulator holds the response; the process is killed while it waits.
            await h.state.inject(.stallAfterCommit(seconds: 10))
            let (victim, victimOutput) = try Self.start(["gate", "exec"] + arguments, stdin: command)
            let deadline = Date().addingTimeInterval(20)
            while await h.state.writes.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await h.state.writes.count == 1)
            kill(victim.processIdentifier, SIGKILL)
            let (status, _) = Self.finish(victim, victimOutput)
            #expect(status == SIGKILL)

            // Restart: recovery probes Gitea, finds the issue by its key, records it done.
            let (recoverer, recoverOutput) = try Self.start(["gate", "recover"] + arguments, stdin: "")
            let (recoverStatus, recovered) = Self.finish(recoverer, recoverOutput)
            #expect(recoverStatus == 0)
            let ack = try #require(Ack.parse(recovered.split(separator: "\n").first.map(String.init) ?? ""), "\(recovered)")
            #expect(ack.success && ack.message.hasPrefix("found already done") && ack.number != nil)

            // The operator's client re-sends the same DM: answered from the ledger.
            let (repeater, repeatOutput) = try Self.start(["gate", "exec"] + arguments, stdin: command)
            let (repeatStatus, repeated) = Self.finish(repeater, repeatOutput)
            #expect(repeatStatus == 0)
            #expect(Ack.parse(repeated.trimmingCharacters(in: .whitespacesAndNewlines))?.priorExecution == true)
            #expect(await h.state.writes.count == 1)
            #expect(await h.state.items(SimulatorHarness.repo).filter { $0.title == "Crash me" }.count == 1)
        }
    }

    @Test func execRefusesToRunWithoutAToken() async throws {
        try await SimulatorHarness.with { h in
            let (process, output) = try Self.start(["gate", "exec", "--gitea", h.url.absoluteString, "--login", "gatebot",
                                                    "--ledger", SimulatorHarness.ledgerPath()], stdin: "{}")
            let (status, _) = Self.finish(process, output)
            #expect(status == 1)
        }
    }
}
