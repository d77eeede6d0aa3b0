import CLISupport
import Dispatch
import Foundation
import GiteaSimulator
import NostrCore

extension EndToEndRun {
    /// Starts the bot and measures it, each phase in its turn (``PhaseTurns``): startup and 20 warm-up DMs, `samples`
    /// closed-loop DMs per scheme, webhooks, `idleSeconds` of idle, `load` DMs at once on distinct issues, then `load`
    /// on one issue and the memory left after them.
    func phases(_ client: OperatorClient, bot: SecretKey, relay: String, relayProcess: BenchProcess, giteaPort: Int, forge: GiteaSimulatorState)
        async throws
        -> EndToEndFigures
    {
        var figures = EndToEndFigures()
        figures.bot = subject.name
        let webhookPort = try BenchProcess.freePort()
        let metricsPort = try BenchProcess.freePort()
        // The set-up turn ends (the client is connected); the next one is the start, the first answer and the warm-up.
        await turns.end(index)
        await turns.begin(index)
        let spawned = DispatchTime.now().uptimeNanoseconds
        let process = try subject.start(
            bot: bot, operator: client.keys.publicKey, relay: relay, giteaPort: giteaPort, webhookPort: webhookPort,
            metricsPort: metricsPort, directory: directory.appendingPathComponent("bot"))
        // The bot's own stage timers around a phase (operator-gate only).
        let scrape: @Sendable () async throws -> StageBreakdown.Totals? = {
            guard case .operatorGate = subject else { return nil }
            return try await StageBreakdown.scrape(port: metricsPort)
        }
        let botMetricsPort: Int? = if case .operatorGate = subject { metricsPort } else { nil }
        do {
            try await inTurn(begun: true) {
                // Published while the bot starts: it finds the DM when it subscribes.
                try await client.publish(try client.dm("comment ops/tc#1 startup", .nip04))
                guard let first = try await client.answers(1, timeout: .seconds(60)).first else { throw CLIError("no first answer") }
                figures.startupMs = Double(first.arrivedNanos - spawned) / 1e6
                if case .operatorGate = subject, let shared = process.mapsSharedSwiftRuntime() {
                    figures.swiftRuntime = shared ? .shared : .static
                }
                for index in 0..<20 { _ = try await client.roundTrip("comment ops/tc#1 warm-up \(index)", .nip04) }
            }
            for scheme in [OperatorClient.Scheme.nip04, .nip17] {
                try await inTurn {
                    let before = try await scrape()
                    let (latencies, closedLoop) = try await closedLoopPhase(client, process: process, scheme: scheme)
                    figures.closedLoop[scheme.rawValue] = closedLoop
                    if scheme == .nip04 { figures.nip04 = latencies } else { figures.nip17 = latencies }
                    if let before, let after = try await scrape() { figures.stages[scheme.rawValue] = StageBreakdown(from: before, to: after) }
                }
            }
            // The reference bot has no webhooks: its turn is empty.
            try await inTurn { if case .operatorGate = subject { figures.webhook = try await webhookPhase(client, port: webhookPort) } }
            try await inTurn {
                try await Task.sleep(for: .seconds(1))
                let idleStart = process.threadCPU()
                try await Task.sleep(for: .seconds(idleSeconds))
                let idleUsed = process.cpuMillisecondsByThread(since: idleStart)
                figures.idleCPUMsPerSecond = idleUsed.values.reduce(0, +) / Double(idleSeconds)
                figures.idleCPUMsByThread = process.byThreadName(idleUsed)
                figures.rssIdleMB = process.memoryMB("VmRSS")
                figures.rssIdleAnonMB = process.memoryMB("RssAnon")
                figures.rssIdleFileMB = process.memoryMB("RssFile")
            }
            try await inTurn {
                let beforeLoad = try await scrape()
                figures.distinctIssues = try await loadPhase(
                    client, process: process, relay: relayProcess, forge: forge, distinct: true, metricsPort: botMetricsPort)
                if let beforeLoad, let after = try await scrape() { figures.stages["load"] = StageBreakdown(from: beforeLoad, to: after) }
            }
            try await inTurn {
                figures.sameIssue = try await loadPhase(
                    client, process: process, relay: relayProcess, forge: forge, distinct: false, metricsPort: botMetricsPort)
                figures.rssPeakMB = process.memoryMB("VmHWM")
                if case .operatorGate = subject { figures.relayCatchUps = try await StageBreakdown.scrapeCatchUps(port: metricsPort) }
                // The load phase already waited 2 s for stray answers; one more second of quiet, then what stayed.
                try await Task.sleep(for: .seconds(1))
                figures.rssAfterLoadsMB = process.memoryMB("VmRSS")
                await process.stop()
            }
            return figures
        } catch {
            await process.stop()
            throw CLIError("\(subject.name): \(error)\n--- its log (tail) ---\n\(process.log().suffix(3000))")
        }
    }

    /// `samples` DMs in `scheme`, one at a time (each after `pause`): their latencies, and the bot's CPU and context
    /// switches per command over them (the pauses' idle included).
    func closedLoopPhase(_ client: OperatorClient, process: BenchProcess, scheme: OperatorClient.Scheme) async throws
        -> (LatencySummary, EndToEndFigures.ClosedLoop)
    {
        var latencies: [Double] = []
        let (cpuBefore, switchesBefore) = (process.threadCPU(), process.voluntarySwitches())
        for index in 0..<samples {
            if pause > .zero { try await Task.sleep(for: pause) }
            latencies.append(try await client.roundTrip("comment ops/tc#1 ping \(scheme.rawValue) \(index)", scheme))
        }
        let cpu = process.cpuMillisecondsByThread(since: cpuBefore).values.reduce(0, +)
        let switches = process.voluntarySwitches() - switchesBefore
        return (
            LatencySummary(latencies),
            .init(cpuPerCommandMs: cpu / Double(samples), switchesPerCommand: Double(switches) / Double(samples))
        )
    }

    /// `load` NIP-04 comments published at once (on issues #2… when `distinct`, else all on #1), timed from the first
    /// publish to the last answer; then checks that each was written to Gitea once and answered once.
    /// - Parameter metricsPort: the bot's `/metrics` (operator-gate only), read before the phase and when answers are
    ///   missing (``LoadCounters``).
    func loadPhase(
        _ client: OperatorClient, process: BenchProcess, relay: BenchProcess, forge: GiteaSimulatorState, distinct: Bool,
        metricsPort: Int? = nil
    ) async throws
        -> EndToEndFigures.Load
    {
        let tag = distinct ? "d" : "s"
        let texts = (0..<load).map { "load-\(tag)-\($0)" }
        // The issue of the index-th command: #2… when distinct, else #1.
        func issue(_ index: Int) -> Int { distinct ? index + 2 : 1 }
        let issues = Set((0..<load).map(issue))
        let events = try texts.enumerated().map { index, text in try client.dm("comment ops/tc#\(issue(index)) \(text)", .nip04) }
        let countsBefore = await LoadCounters.read(client, metricsPort: metricsPort)
        let cpuBefore = (bot: process.cpuMilliseconds(), relay: relay.cpuMilliseconds(), bench: BenchProcess.cpuMilliseconds(of: "self"))
        let start = DispatchTime.now().uptimeNanoseconds
        try await client.publishAll(events)
        let answers: [(text: String, arrivedNanos: UInt64)]
        do { answers = try await client.answers(load, timeout: .seconds(300)) } catch {
            // Tells a lost command from a lost answer.
            let written = await Self.comments(on: issues, in: forge)
            let done = texts.enumerated().filter { index, text in written["\(issue(index)) \(text)", default: 0] > 0 }.count
            let counts = await LoadCounters.read(client, metricsPort: metricsPort)
            throw CLIError(
                "load on \(distinct ? "distinct issues" : "one issue"): \(error); Gitea has \(done) of the \(load) comments; "
                    + (await counts.report(since: countsBefore, commands: load, client: client)))
        }
        let end = answers.map(\.arrivedNanos).max() ?? start
        let cpu = process.cpuMilliseconds() - cpuBefore.bot
        let wallMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let busy = EndToEndFigures.BusyCores(
            bot: cpu / wallMs, relay: (relay.cpuMilliseconds() - cpuBefore.relay) / wallMs,
            bench: (BenchProcess.cpuMilliseconds(of: "self") - cpuBefore.bench) / wallMs)
        // Nothing more comes: no command was answered twice.
        let extra = await client.mailbox.next(timeout: .seconds(2))
        // Each comment's first line, counted per issue (one pass: 1,000 comments on one issue made a search per
        // text quadratic). operator-gate appends its key line after the text; the reference bot posts the text alone.
        let written = await Self.comments(on: issues, in: forge)
        let writtenOnce = texts.enumerated().allSatisfy { index, text in written["\(issue(index)) \(text)"] == 1 }
        var figures = EndToEndFigures.Load()
        figures.commands = load
        figures.seconds = Double(end - start) / 1e9
        figures.cpuPerCommandMs = cpu / Double(load)
        figures.busyCores = busy
        figures.exactlyOnce = writtenOnce && extra == nil && answers.allSatisfy { $0.text.hasPrefix("✓") }
        return figures
    }

    /// How often each comment's first line is on each issue (`"N line"`).
    static func comments(on issues: Set<Int>, in forge: GiteaSimulatorState) async -> [String: Int] {
        var written: [String: Int] = [:]
        for number in issues {
            for comment in await forge.item("ops/tc", number)?.comments ?? [] {
                let line = comment.body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                written["\(number) \(line)", default: 0] += 1
            }
        }
        return written
    }
}
