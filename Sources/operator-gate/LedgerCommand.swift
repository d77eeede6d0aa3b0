import ArgumentParser
import Bot
import CLISupport
import Foundation
import Gate
import Logging

/// `operator-gate ledger list|show`: read the Gate's ledger (read-only).
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Read the Gate's ledger (JSON on stdout).", subcommands: [List.self, Show.self])

    struct Options: ParsableArguments {
        @Option(help: "The bot's operator-gate.json (its `ledger`: ledger.sqlite in data_dir by default, or a postgres:// database).") var config:
            String?
        @Option(help: "Ledger file (SQLite), instead of --config.") var ledger: String?

        /// Runs `body` with the ledger open (read-only use).
        func withLedger<T: Sendable>(_ body: @escaping @Sendable (any Ledger) async throws -> T) async throws -> T {
            let settings: LedgerSettings
            if let ledger {
                settings = LedgerSettings(backend: .sqlite(path: ledger))
            } else if let config {
                do { settings = try GateSettings.load(path: config).ledger } catch { throw CLIError("--config: \(error)") }
            } else {
                throw CLIError("pass --config FILE (or --ledger FILE)")
            }
            var logger = Logger(label: "operator-gate.ledger") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .error
            return try await LedgerAccess.with(settings, mustExist: true, migrate: false, logger: logger, body)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print entries, newest first, as a JSON array.")
        @OptionGroup var options: Options
        @Option(help: "Only entries in this state: claimed, done or failed.") var state: String?
        @Option(help: "Only entries claimed at or after T: Unix seconds or ISO 8601 (2026-11-30T09:00:00Z).") var since: String?
        @Option(help: "Only commands of this operator (their `name`; the audit trail in each entry's command).") var `operator`: String?
        @Option(help: "At most this many entries.") var limit = 100

        func run() async throws {
            try await runAsyncTool {
                let wanted = try state.map { name in
                    guard let parsed = LedgerEntry.State(rawValue: name) else {
                        throw CLIError("--state must be claimed, done or failed (got \"\(name)\")")
                    }
                    return parsed
                }
                let after = try since.map(Self.time)
                guard limit > 0 else { throw CLIError("--limit must be positive") }
                let (limit, name) = (self.limit, self.operator)
                let entries = try await options.withLedger { try await $0.entries(state: wanted, since: after, operatorName: name, limit: limit) }
                StandardIO.printLine("[" + entries.map(\.json).joined(separator: ",\n") + "]")
            }
        }

        static func time(_ text: String) throws -> Int64 {
            if let seconds = Int64(text) { return seconds }
            if let date = ISO8601DateFormatter().date(from: text) { return Int64(date.timeIntervalSince1970) }
            throw CLIError("--since must be Unix seconds or an ISO 8601 time like 2026-11-30T09:00:00Z (got \"\(text)\")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the newest entry whose key is KEY (or starts with it, if only one key does) as JSON. Exit 1 if none.")
        @OptionGroup var options: Options
        @Argument(help: "The idempotency key (64 hex) or a unique prefix of at least 6 characters.") var key: String

        func run() async throws {
            try await runAsyncTool {
                let prefix = key.lowercased()
                guard prefix.count >= 6, prefix.allSatisfy(\.isHexDigit) else {
                    throw CLIError("KEY must be hex, at least 6 characters (got \"\(key)\")")
                }
                let found = try await options.withLedger { try await $0.entries(keyPrefix: prefix, limit: 50) }
                guard let newest = found.first else { throw CLIError("no ledger entry with key \(prefix)…") }
                let keys = Set(found.map(\.key.hex))
                guard keys.count == 1 else {
                    throw CLIError(
                        "\(prefix) matches \(keys.count) keys: \(keys.sorted().map { String($0.prefix(12)) }.joined(separator: ", ")); give more characters"
                    )
                }
                StandardIO.printLine(newest.json)
            }
        }
    }
}
