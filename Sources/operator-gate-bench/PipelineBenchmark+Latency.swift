import Bot
import CLISupport
import Dispatch
import Foundation
import GiteaSimulator
import LoopbackRelay
import NostrCore
import NostrIngress

extension PipelineBenchmark {
    /// Latency over the loopback relay with the simulator: the whole bot (`BotAssembly`) in this process, an
    /// operator client sending DMs one at a time and timing each answer; RSS idle after start and at its peak.
    func measureLatency(_ fixture: Fixture, into report: inout Report) async throws {
        let forge = GiteaSimulatorState()
        await forge.seedExample()
        let quiet = fixture.quiet
        let servers = LoopbackServers(forge: forge, logger: quiet)
        let measured = try await whileRunning(servers.tasks) {
            let (giteaPort, relayPort, _) = try await servers.ports()
            let relays = try RelayList([RelayEndpoint(url: "ws://127.0.0.1:\(relayPort)")])
            let assembly = try BotAssembly(
                configuration: try Self.configuration(fixture, giteaPort: giteaPort), secretKey: fixture.bot,
                relays: relays, giteaToken: "bot-token", logger: quiet)
            let alice = fixture.alice
            let bot = fixture.bot.publicKey
            let pool = RelayPool(relays: relays, keyPair: KeyPair(secretKey: alice), logger: quiet) {
                InboxCursor().filters(recipient: alice.publicKey, now: Int64(Date().timeIntervalSince1970), lookback: 60)
            }
            let mailbox = AnswerMailbox()
            let clients: [@Sendable () async throws -> Void] = [
                { try await assembly.run(logger: quiet) }, { await pool.run() },
                { await mailbox.collect(pool.events, decoder: DirectMessageDecoder(keys: ConversationKeyCache(secretKey: alice)), from: bot) }
            ]
            return try await whileRunning(clients) {
                await pool.waitForConnections(timeout: .seconds(5))
                try await Task.sleep(for: .milliseconds(500))
                let idle = Self.memory("VmRSS")
                let latencies = try await roundTripLatencies(fixture, pool: pool, mailbox: mailbox)
                return (idle: idle, latencies: latencies, peak: Self.memory("VmHWM"))
            }
        }
        let latencies = LatencySummary(measured.latencies)
        report.rssIdleMB = measured.idle
        report.latencyP50 = latencies.p50
        report.latencyP99 = latencies.p99
        report.latencyMax = latencies.max
        report.rssPeakMB = measured.peak
    }

    /// The bot's configuration for the latency phase: alice may comment, show and status on ops/*.
    static func configuration(_ fixture: Fixture, giteaPort: Int) throws -> BotConfiguration {
        try BotConfiguration.parse(
            Data(
                """
                {"data_dir": "\(fixture.scratch.appendingPathComponent("bot").path)",
                 "gitea": {"url": "http://127.0.0.1:\(giteaPort)", "login": "gatebot"},
                 "operators": [{"npub": "\(fixture.alice.publicKey.npub)", "repos": ["ops/*"],
                   "actions": ["add_comment", "show", "status"], "default_repo": "ops/tc"}],
                 "limits": {"commands_per_minute": 100000000}, "discovery_relays": []}
                """.utf8), directory: fixture.scratch.path)
    }

    /// `roundTrips` DMs, one at a time (`comment`, and `show` or `status`, in both schemes); each one's time from
    /// publishing to its answer arriving, in milliseconds.
    func roundTripLatencies(_ fixture: Fixture, pool: RelayPool, mailbox: AnswerMailbox) async throws -> [Double] {
        let client = KeyPair(secretKey: fixture.alice)
        var latencies: [Double] = []
        for index in 0..<roundTrips {
            // A NIP-17 message's identity is its rumor id, which has no randomness: the same text from the same
            // author in the same second is the same message (and answered once). So NIP-17 texts differ.
            let nip04 = index % 4 < 2
            let text = index % 2 == 1 ? "comment #1 ping \(index)" : nip04 ? "show #1" : "status \(String(format: "%08x", index))"
            let time = Int64(Date().timeIntervalSince1970)
            let dm =
                nip04
                ? NIP04.message(text, author: client, recipient: fixture.bot.publicKey, now: time, sharedKey: fixture.sharedKey)
                : try NIP17.message(text, author: client, recipient: fixture.bot.publicKey, now: time).toRecipient
            let sent = DispatchTime.now().uptimeNanoseconds
            _ = await pool.publish(dm, deadline: .seconds(5))
            guard let answer = await mailbox.next(timeout: .seconds(10)) else {
                throw CLIError("no answer within 10 s to DM \(index + 1) (\(dm.kind == 4 ? "NIP-04" : "NIP-17"): \(text))")
            }
            latencies.append(Double(answer.arrivedNanos - sent) / 1e6)
        }
        return latencies
    }
}
