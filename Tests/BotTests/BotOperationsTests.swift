import Foundation
import GiteaSimulator
import NostrCore
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What an operator of the bot relies on: health that tells, relays that demand AUTH both ways, a database
/// password that never reaches a log.
@Suite(.serialized) struct BotOperationsTests {
    /// `/healthz` answers 200 while a relay is connected, and 503 naming the reason once none is.
    @Test func healthzTurns503WhenNoRelayIsConnected() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            let port = try FreePort.find()
            try h.startBot(["--metrics", "127.0.0.1:\(port)"])
            try await h.waitUntilRunning()
            let url = URL(string: "http://127.0.0.1:\(port)/healthz")!
            let (_, healthy) = try await URLSession.shared.data(from: url)
            #expect((healthy as? HTTPURLResponse)?.statusCode == 200)

            h.relays[0].kill()
            var status = 0
            var body = ""
            let deadline = Date().addingTimeInterval(15)
            while status != 503 && Date() < deadline {
                try await Task.sleep(for: .milliseconds(200))
                let (data, response) = try await URLSession.shared.data(from: url)
                status = (response as? HTTPURLResponse)?.statusCode ?? 0
                body = String(decoding: data, as: UTF8.self)
            }
            #expect(status == 503, "\(body)")
            #expect(body.contains("no relay connected"), "\(body)")
        }
    }

    /// A relay that requires NIP-42 AUTH for reading and writing ("both"): the bot authenticates, receives the
    /// operator's DM and publishes its answer there.
    @Test func aRelayRequiringAuthForReadAndWriteServesTheBot() async throws {
        try await BotHarness.with([.localRelay(nip42: "both")]) { h in
            try h.startBot()
            try await h.waitUntilRunning()
            let reply = try await h.ask("show #1", from: h.alice, scheme: "nip17")
            #expect(reply.contains("Add deploy script"), "\(reply)")
            let created = try await h.ask("issue Behind AUTH", from: h.alice, scheme: "nip04")
            #expect(created.hasPrefix("✓"), "\(created)")
            #expect(h.log().contains("answering AUTH challenge"), "\(h.logTail())")
            #expect(await h.state.items("ops/tc").filter { $0.title == "Behind AUTH" }.count == 1)
        }
    }

    /// The PostgreSQL password (from `OPERATOR_GATE_LEDGER_PASSWORD`) appears in no log line of `run` at debug
    /// level, nor in `doctor`'s output when the password is wrong and the connection is refused.
    @Test(.enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES"))
    func theDatabasePasswordIsNeverLogged() async throws {
        try await BotHarness.with([.localRelay()]) { h in
            let password = try #require(PostgresScratch.password, "OPERATOR_GATE_TEST_POSTGRES_PASSWORD is not set")
            let ledger = try await PostgresScratch.createDatabase()
            try h.startInstance(0, ledger: ledger, password: password, lease: 5)
            try await h.waitUntilInstanceRunning(0)
            let reply = try await h.ask("issue Password check", from: h.alice, scheme: "nip04")
            #expect(reply.hasPrefix("✓"), "\(reply)")
            h.signalInstance(0, SIGTERM)
            _ = await OperatorGateProcess.exitStatus(try #require(h.instances[0]), timeout: 15)
            let log = (try? String(contentsOfFile: h.instanceLog(0), encoding: .utf8)) ?? ""
            #expect(log.contains("shared ledger ready"), "\(log.suffix(2000))")
            #expect(!log.contains(password), "the password is in the log")

            let wrong = "Wr0ng-" + UUID().uuidString
            let config = h.instanceConfig(0)
            let (status, out, errors) = try await OperatorGateProcess.run(
                ["doctor", "--config", config, "--timeout", "3"],
                environment: ["GITEA_TOKEN": "", "OPERATOR_GATE_LEDGER_PASSWORD": wrong])
            #expect(status == 1 && out.contains("✗ ledger"), "\(out)\(errors)")
            #expect(!(out + errors).contains(wrong), "the wrong password is in doctor's output")
        }
    }
}
