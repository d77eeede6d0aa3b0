import CLISupport
import Foundation
import NostrCore

/// A bot `bench e2e` measures: `operator-gate run` (the release build by default), or the reference bot
/// (`../shared/bench/reference_bot.py`, rust-nostr in Python) on the test venv's interpreter.
enum EndToEndSubject: Sendable {
    case operatorGate(executable: String)
    case reference(script: String, python: String)

    var name: String {
        switch self {
        case .operatorGate: "operator-gate"
        case .reference: "reference bot"
        }
    }

    /// Writes what the bot needs into `directory` (key, relay list, Gitea token, configuration) and starts it on
    /// `relay` and the simulator at `giteaPort`, taking commands from `operator`.
    /// operator-gate also receives webhooks on `webhookPort` (digests off, so each delivery is its own notice) and
    /// serves `/metrics` on `metricsPort` (its stage timers, ``StageBreakdown``).
    func start(
        bot: SecretKey, operator: PublicKey, relay: String, giteaPort: Int, webhookPort: Int, metricsPort: Int, directory: URL
    ) throws -> BenchProcess {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let token = directory.appendingPathComponent("gitea.token").path
        try Self.writePrivate("bot-token", to: token)
        let log = directory.appendingPathComponent("bot.log").path
        switch self {
        case .operatorGate(let executable):
            try Self.writePrivate(bot.nsec, to: directory.appendingPathComponent("bot.nsec").path)
            try #"{"relays": [{"url": "\#(relay)"}]}"#.write(
                to: directory.appendingPathComponent("relays.json"), atomically: true, encoding: .utf8)
            let config = directory.appendingPathComponent("operator-gate.json")
            try """
            {"key_file": "bot.nsec", "relays_file": "relays.json", "data_dir": "data",
             "gitea": {"url": "http://127.0.0.1:\(giteaPort)", "token_file": "gitea.token", "login": "gatebot"},
             "operators": [{"npub": "\(`operator`.npub)", "name": "bench", "repos": ["ops/*"], "actions": ["add_comment", "watch"]}],
             "limits": {"commands_per_minute": 1000000000}, "discovery_relays": [],
             "webhook": {"listen": "127.0.0.1:\(webhookPort)", "digest_s": 0, "notices_per_minute": 10000}}
            """.write(to: config, atomically: true, encoding: .utf8)
            return try BenchProcess(
                name, executable: executable,
                arguments: ["run", "--config", config.path, "--log-level", "notice", "--metrics", "127.0.0.1:\(metricsPort)"],
                environment: ["OPERATOR_GATE_NSEC": "", "GITEA_TOKEN": "", "OPERATOR_GATE_WEBHOOK_SECRET": Self.webhookSecret], logPath: log)
        case .reference(let script, let python):
            return try BenchProcess(
                name, executable: python,
                arguments: [
                    script, "--sec", bot.hex, "--operator", `operator`.hex, "--relay", relay,
                    "--gitea", "http://127.0.0.1:\(giteaPort)", "--token-file", token
                ],
                logPath: log)
        }
    }

    static let webhookSecret = "bench-webhook-secret"

    private static func writePrivate(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("cannot write \(path)")
        }
    }
}
