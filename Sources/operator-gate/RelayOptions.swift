import ArgumentParser
import CLISupport
import Foundation
import Logging
import NostrIngress

/// `--relays FILE | --relay URL …`, shared by the commands that talk to relays.
struct RelayOptions: ParsableArguments {
    @Option(help: "Relay list file (see README: relays.json).") var relays: String = "relays.json"
    @Option(name: .customLong("relay"), help: "A relay URL; repeat for several. Overrides --relays.") var relayURLs: [String] = []
    @Flag(name: .customLong("verbose"), help: "Log relay activity on stderr.") var verbose = false

    /// The validated list.
    func relayList(requireRead: Bool = false, requireWrite: Bool = false) throws -> RelayList {
        do {
            if !relayURLs.isEmpty {
                return try RelayList(relayURLs.map { RelayEndpoint(url: $0) }, requireRead: requireRead, requireWrite: requireWrite)
            }
            return try RelayList.load(path: relays, requireRead: requireRead, requireWrite: requireWrite)
        } catch {
            throw CLIError(error.description)
        }
    }

    /// A logger on stderr: warnings only, or everything with `--verbose`.
    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }
}
