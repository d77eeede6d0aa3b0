import Foundation
import Gate
import GiteaSimulator
import TestSupport
import Testing

/// `gate exec --config FILE --json COMMAND`, `ledger list` and `ledger show` as an operator runs them.
@Suite(.serialized) struct GateCLITests {
    /// A folder with operator-gate.json (relative data_dir and token_file) pointing at the simulator.
    static func configFolder(_ url: URL) throws -> String {
        let directory = ScratchDirectory.root.appendingPathComponent("og-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "bot-token\n".write(to: directory.appendingPathComponent("gitea.token"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory.appendingPathComponent("gitea.token").path)
        let config = #"{"data_dir": "state", "gitea": {"url": "\#(url.absoluteString)", "token_file": "gitea.token", "login": "gatebot"}}"#
        try config.write(to: directory.appendingPathComponent("operator-gate.json"), atomically: true, encoding: .utf8)
        return directory.path
    }

    @Test func execWithConfigThenListAndShowTheLedger() async throws {
        try await SimulatorHarness.with { h in
            let folder = try Self.configFolder(h.url)
            let config = folder + "/operator-gate.json"
            let create = #"{"source":"nostr:alice","action":"create_issue","repo":"ops/tc","payload":{"title":"From the CLI","body":"b"}}"#
            let (status, out, errors) = try await OperatorGateProcess.run(
                ["gate", "exec", "--config", config, "--json", create], environment: ["GITEA_TOKEN": ""])
            #expect(status == 0, "\(errors)")
            let ack = try #require(Ack.parse(out.trimmingCharacters(in: .whitespacesAndNewlines)), "\(out)")
            #expect(ack.success && ack.number != nil && ack.url != nil)
            // The ledger lives in the config's data_dir, relative to the config file.
            #expect(FileManager.default.fileExists(atPath: folder + "/state/ledger.sqlite"))

            let bad = #"{"source":"nostr:alice","action":"label_issue","repo":"ops/tc","payload":{"issue_num":1,"add":["no-such-label"]}}"#
            let (badStatus, badOut, _) = try await OperatorGateProcess.run(["gate", "exec", "--config", config, "--json", bad])
            #expect(badStatus == 1)
            #expect(Ack.parse(badOut.trimmingCharacters(in: .whitespacesAndNewlines))?.success == false)

            let (listStatus, listed, _) = try await OperatorGateProcess.run(["ledger", "list", "--config", config])
            #expect(listStatus == 0)
            let all = try #require(try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
            #expect(all.map { $0["state"] as? String } == ["failed", "done"])
            #expect((all[1]["result"] as? [String: Any])?["number"] as? Int == ack.number)
            #expect((all[1]["command"] as? [String: Any])?["action"] as? String == "create_issue")

            let (doneStatus, doneOnly, _) = try await OperatorGateProcess.run([
                "ledger", "list", "--config", config, "--state", "done", "--since", "2020-01-01T00:00:00Z"
            ])
            #expect(doneStatus == 0)
            #expect((try JSONSerialization.jsonObject(with: Data(doneOnly.utf8)) as? [Any])?.count == 1)
            let (futureStatus, future, _) = try await OperatorGateProcess.run(["ledger", "list", "--config", config, "--since", "4000000000"])
            #expect(futureStatus == 0 && future.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

            let (showStatus, shown, _) = try await OperatorGateProcess.run(["ledger", "show", "--config", config, String(ack.key.prefix(10))])
            #expect(showStatus == 0)
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])
            #expect(entry["key"] as? String == ack.key && entry["state"] as? String == "done")

            let (missingStatus, _, missing) = try await OperatorGateProcess.run(["ledger", "show", "--config", config, "abcdef0123"])
            #expect(missingStatus == 1 && missing.contains("no ledger entry"), "\(missing)")
            let (stateStatus, _, stateError) = try await OperatorGateProcess.run(["ledger", "list", "--config", config, "--state", "pending"])
            #expect(stateStatus == 1 && stateError.contains("--state must be"), "\(stateError)")
        }
    }

    @Test func configErrorsNameTheField() async throws {
        let directory = ScratchDirectory.root.appendingPathComponent("og-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("operator-gate.json").path
        try #"{"gitea": {"url": "forge.example", "login": "gatebot"}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let (status, _, errors) = try await OperatorGateProcess.run(["gate", "exec", "--config", config, "--json", "{}"])
        #expect(status == 1)
        #expect(errors.contains("gitea.url"), "\(errors)")
    }
}
