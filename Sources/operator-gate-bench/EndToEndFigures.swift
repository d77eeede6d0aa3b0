import Foundation

/// What `bench e2e` measured of one bot, in one run.
struct EndToEndFigures: Codable, Sendable {
    /// One open-loop phase: `commands` DMs published at once, each answered.
    struct Load: Codable, Sendable {
        var commands = 0
        var seconds = 0.0
        /// The bot process's CPU time over the phase divided by the commands.
        var cpuPerCommandMs = 0.0
        /// Every command executed once on Gitea and answered once (checked on the simulator and the answers).
        var exactlyOnce = false
        /// Cores each process kept busy over the phase on average (CPU time / wall time): the bot, the relay and this
        /// bench process (the operator client and the Gitea simulator). Their sum near the machine's cores means the
        /// phase was bound by the machine, shared by all three, not by the bot alone.
        var busyCores = BusyCores()
        var commandsPerSecond: Double { seconds > 0 ? Double(commands) / seconds : 0 }
    }

    /// Average cores busy over a phase, by process.
    struct BusyCores: Codable, Sendable {
        var bot = 0.0
        var relay = 0.0
        var bench = 0.0
    }

    /// How a bot written in Swift links its runtime and Foundation.
    enum RuntimeLinkage: String, Codable, Sendable {
        /// Linked into the one executable (`swift build --static-swift-stdlib`).
        case `static`
        /// libswiftCore.so and Foundation's libraries mapped: more pages resident, a PLT hop per runtime call.
        case shared
    }

    var bot = ""
    /// `nil` for a bot not written in Swift.
    var swiftRuntime: RuntimeLinkage?
    /// From starting the process to the answer of a DM published at that moment.
    var startupMs = 0.0
    /// Closed loop: one DM at a time, from publishing it to its answer arriving.
    var nip04 = LatencySummary()
    var nip17 = LatencySummary()
    /// Every DM on another issue.
    var distinctIssues = Load()
    /// Every DM on the same issue.
    var sameIssue = Load()
    /// CPU time per second while nothing happens (threads alive over the idle window).
    var idleCPUMsPerSecond = 0.0
    /// The idle window's CPU ms by thread name (JSON only): which threads woke.
    var idleCPUMsByThread: [String: Double] = [:]
    var rssIdleMB = 0.0
    /// The idle RSS split into anonymous memory (what the bot allocated) and file pages (its executable and libraries,
    /// mapped from the page cache). The file part depends on how the executable sits in the page cache: a binary
    /// just built or copied maps about 2.5 MB more of it than the same file once its pages were evicted (the kernel
    /// maps cached neighbours of each page touched), with the same anonymous memory.
    var rssIdleAnonMB = 0.0
    var rssIdleFileMB = 0.0
    /// Resident once the loads are over and the bot is idle again: what a burst leaves behind.
    var rssAfterLoadsMB = 0.0
    var rssPeakMB = 0.0
    /// Closed loop: a signed Gitea webhook posted to the bot's receiver until its notice DM arrives (operator-gate
    /// only; `nil` for a bot without webhooks).
    var webhook: LatencySummary?
    /// Times the bot fell behind the relay and asked it again for what it stored meanwhile (operator-gate only).
    var relayCatchUps: Int?
    /// The bot's own stage timers by phase (`nip04`, `nip17` closed loop; `load`: the distinct-issue load), operator-gate
    /// only.
    var stages: [String: StageBreakdown] = [:]

    /// One command at a time, in one scheme: the bot's CPU per command and its threads' voluntary context switches
    /// per command (from /proc, over the closed-loop DMs; the bot idles between them, waiting for the next).
    struct ClosedLoop: Codable, Sendable {
        var cpuPerCommandMs = 0.0
        var switchesPerCommand = 0.0
    }
    /// ``ClosedLoop`` figures by scheme (`nip04`, `nip17`).
    var closedLoop: [String: ClosedLoop] = [:]

    /// The table rows: label, then this bot's figure, formatted.
    var rows: [(String, String)] {
        func ms(_ value: Double) -> String { String(format: "%.2f", value) }
        func closed(_ scheme: String) -> ClosedLoop { closedLoop[scheme] ?? ClosedLoop() }
        func busy(_ cores: BusyCores) -> String { String(format: "%.2f / %.2f / %.2f", cores.bot, cores.relay, cores.bench) }
        return [
            ("NIP-04 DM→answer p50 / p99 / max (ms)", "\(ms(nip04.p50)) / \(ms(nip04.p99)) / \(ms(nip04.max))"),
            ("NIP-17 DM→answer p50 / p99 / max (ms)", "\(ms(nip17.p50)) / \(ms(nip17.p99)) / \(ms(nip17.max))"),
            ("throughput, distinct issues (commands/s)", String(format: "%.0f", distinctIssues.commandsPerSecond)),
            ("throughput, one issue (commands/s)", String(format: "%.0f", sameIssue.commandsPerSecond)),
            ("CPU per command, distinct / one issue (ms)", "\(ms(distinctIssues.cpuPerCommandMs)) / \(ms(sameIssue.cpuPerCommandMs))"),
            ("one at a time: CPU/command NIP-04 / 17 (ms)", ms(closed("nip04").cpuPerCommandMs) + " / " + ms(closed("nip17").cpuPerCommandMs)),
            (
                "one at a time: ctx switches/command 04 / 17",
                String(format: "%.1f / %.1f", closed("nip04").switchesPerCommand, closed("nip17").switchesPerCommand)
            ),
            ("busy cores, distinct issues: bot/relay/bench", busy(distinctIssues.busyCores)),
            ("idle CPU (ms per second)", ms(idleCPUMsPerSecond)),
            ("RSS idle / after the loads / peak (MB)", String(format: "%.1f / %.1f / %.1f", rssIdleMB, rssAfterLoadsMB, rssPeakMB)),
            ("RSS idle: anonymous / file pages (MB)", String(format: "%.1f / %.1f", rssIdleAnonMB, rssIdleFileMB)),
            ("startup to first answer (ms)", String(format: "%.0f", startupMs)),
            ("Swift runtime and Foundation", swiftRuntime?.rawValue ?? "(not Swift)"),
            ("webhook→notice DM p50 / p99 / max (ms)", webhook.map { "\(ms($0.p50)) / \(ms($0.p99)) / \(ms($0.max))" } ?? "(none)"),
            ("relay catch-ups (bot fell behind)", relayCatchUps.map(String.init) ?? "(not reported)"),
            ("every command once, every answer once", distinctIssues.exactlyOnce && sameIssue.exactlyOnce ? "yes" : "NO")
        ]
    }

    /// Ratios of `self` to `reference` for the headline figures (lower is better for latency and CPU).
    func ratios(to reference: EndToEndFigures) -> [String: Double] {
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }
        return [
            "nip04_p50": ratio(nip04.p50, reference.nip04.p50), "nip04_p99": ratio(nip04.p99, reference.nip04.p99),
            "nip17_p50": ratio(nip17.p50, reference.nip17.p50), "nip17_p99": ratio(nip17.p99, reference.nip17.p99),
            "throughput_distinct": ratio(distinctIssues.commandsPerSecond, reference.distinctIssues.commandsPerSecond),
            "throughput_same_issue": ratio(sameIssue.commandsPerSecond, reference.sameIssue.commandsPerSecond),
            "cpu_per_command": ratio(distinctIssues.cpuPerCommandMs, reference.distinctIssues.cpuPerCommandMs)
        ]
    }
}
