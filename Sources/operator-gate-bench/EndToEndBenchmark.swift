import ArgumentParser
import CLISupport
import Foundation
import GiteaSimulator
import Logging
import NostrCore
import NostrIngress

/// `operator-gate-bench e2e`: the `run` process as an operator meets it, beside the reference bot. Each bot gets a
/// fresh LocalRelay process (rust-nostr, rate limit lifted, TCP_NODELAY through `scripts/bench/nodelay.c`) and a
/// fresh Gitea simulator in this process; an operator client in this process sends `comment ops/tc#N …` DMs and
/// times the answers. Both bots are set up at once and measured phase by phase in turns (``PhaseTurns``), so that
/// each figure of both is taken seconds apart.
struct EndToEndBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "DM→answer latency, throughput, CPU per command, idle CPU and RSS of `operator-gate run` (and of a reference bot).")

    @Option(help: "The operator-gate executable to measure.") var bot = ".build/release/operator-gate"
    @Option(help: "The reference bot's script (../shared/bench/reference_bot.py) to measure beside it.") var reference: String?
    @Option(help: "The Python with nostr-sdk (scripts/test creates the venv).") var python = ".venv/bin/python"
    @Option(help: "Closed-loop DMs per scheme.") var samples = 200
    @Option(help: "Milliseconds to wait before each closed-loop DM, as an operator pauses between commands (0: none).")
    var pauseMs = 0
    @Option(help: "DMs published at once in each throughput phase.") var load = 1000
    @Option(help: "Seconds of idle to measure.") var idleSeconds = 10
    @Flag(help: "Print JSON instead of the table.") var json = false

    func validate() throws {
        guard (10...100_000).contains(samples) else { throw ValidationError("--samples must be 10...100000") }
        guard (10...100_000).contains(load) else { throw ValidationError("--load must be 10...100000") }
        guard (1...600).contains(idleSeconds) else { throw ValidationError("--idle-seconds must be 1...600") }
        guard (0...10_000).contains(pauseMs) else { throw ValidationError("--pause-ms must be 0...10000") }
    }

    func run() async throws {
        try await runAsyncTool {
            guard FileManager.default.isExecutableFile(atPath: python) else {
                throw CLIError("\(python) is missing: run scripts/test once (it creates .venv with nostr-sdk), or pass --python")
            }
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("og-e2e-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let shim = try Self.buildNodelayShim(in: scratch)
            var subjects: [EndToEndSubject] = [.operatorGate(executable: bot)]
            if let reference { subjects.append(.reference(script: reference, python: python)) }
            StandardIO.printError("bench e2e: measuring \(subjects.map(\.name).joined(separator: " and ")), phase by phase in turns…")
            let turns = PhaseTurns(bots: subjects.count)
            let runs = subjects.enumerated().map { index, subject in
                EndToEndRun(
                    subject: subject, python: python, shim: shim, directory: scratch.appendingPathComponent("\(index)"),
                    samples: samples, pause: .milliseconds(pauseMs), load: load, idleSeconds: idleSeconds, turns: turns,
                    index: index)
            }
            let results = try await withThrowingTaskGroup(of: (Int, EndToEndFigures).self) { group in
                for run in runs { group.addTask { (run.index, try await run.measure()) } }
                var figures: [Int: EndToEndFigures] = [:]
                for try await (index, result) in group { figures[index] = result }
                return runs.compactMap { figures[$0.index] }
            }
            print(results)
            // A benchmark that saw a command written or answered twice (or not at all) must not pass quietly.
            for figures in results where !(figures.distinctIssues.exactlyOnce && figures.sameIssue.exactlyOnce) {
                throw CLIError("\(figures.bot): not every command was written to Gitea once and answered once")
            }
        }
    }

    private func print(_ results: [EndToEndFigures]) {
        if json {
            var document: [String: Any] = [:]
            for figures in results {
                document[figures.bot] = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(figures))) ?? [:]
            }
            if results.count == 2 { document["ratios"] = results[0].ratios(to: results[1]) }
            let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data()
            StandardIO.printLine(String(decoding: data, as: UTF8.self))
            return
        }
        Self.printRow("figure", results.map(\.bot), width: 26)
        for (row, (label, _)) in (results.first?.rows ?? []).enumerated() {
            Self.printRow(label, results.map { $0.rows[row].1 }, width: 26)
        }
        if results.count == 2 {
            let ratios = results[0].ratios(to: results[1]).sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2f", $0.value))" }
            StandardIO.printLine("operator-gate / reference: " + ratios.joined(separator: ", "))
        }
        StandardIO.printLine(
            "(\(samples) DMs per scheme closed-loop\(pauseMs > 0 ? ", each after a \(pauseMs) ms pause" : ""), \(load) per load phase, \(idleSeconds) s idle; CPU is the bot process's user+system time;"
                + " busy cores: CPU time over wall time of the bot, the relay and this process (operator client, Gitea simulator))")
        if let stages = results.first?.stages, !stages.isEmpty {
            let phases = ["nip04", "nip17", "load"]
            StandardIO.printLine("")
            Self.printRow(
                "operator-gate stage, mean ms ≤p99 bucket", ["NIP-04 closed", "NIP-17 closed", "load, distinct"], width: 20)
            for (name, cells) in StageBreakdown.rows(phases.map { stages[$0] ?? StageBreakdown() }) { Self.printRow(name, cells, width: 20) }
        }
    }

    /// One table line: the label in 44 columns, then each cell in `width`.
    private static func printRow(_ label: String, _ cells: [String], width: Int) {
        let padded =
            [label.padding(toLength: 44, withPad: " ", startingAt: 0)] + cells.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) }
        StandardIO.printLine(padded.joined(separator: "  "))
    }

    /// Compiles `scripts/bench/nodelay.c` (an LD_PRELOAD shim setting TCP_NODELAY on accepted sockets: LocalRelay
    /// leaves Nagle on, which adds up to 40 ms per frame) with the system C compiler.
    static func buildNodelayShim(in directory: URL) throws -> String {
        let output = directory.appendingPathComponent("nodelay.so").path
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["cc", "-O2", "-shared", "-fPIC", "-o", output, "scripts/bench/nodelay.c", "-ldl"]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else {
            throw CLIError("cannot build scripts/bench/nodelay.c with cc (run from the package root, with a C compiler installed)")
        }
        return output
    }
}
