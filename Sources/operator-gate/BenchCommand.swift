import ArgumentParser

/// `operator-gate bench …`: benchmarks that print figures (build with `-c release`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure performance (use a release build).", subcommands: [Crypto.self])

    struct Crypto: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "µs per operation for parse, verify, sign, NIP-04/NIP-44 decrypt and unwrap, beside direct libsecp256k1 calls.")
        @Flag(help: "Print one JSON object (operation → µs, and the ratios) instead of a table.") var json = false
        @Option(help: "Iterations per batch for curve operations.") var iterations = 2000
        @Option(help: "Batches per operation; the fastest batch is reported.") var batches = 7

        func validate() throws {
            guard iterations > 0, iterations <= 1_000_000 else { throw ValidationError("--iterations must be 1...1000000") }
            guard batches > 0, batches <= 100 else { throw ValidationError("--batches must be 1...100") }
        }

        func run() throws {
            let report = CryptoBenchmark(iterations: iterations, batches: batches).run()
            StandardIO.printLine(json ? report.json.text : report.table)
        }
    }
}
