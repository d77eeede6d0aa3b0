import ArgumentParser
import Bot
import CLISupport
import Foundation
import NostrCore

/// Where a tool command takes its secret key from: `--sec-file`, else `OPERATOR_GATE_NSEC`, else `--sec`.
///
/// The file and the environment keep the key out of `ps` and shell history; `--sec` stays for throw-away keys.
struct SecretKeyOptions: ParsableArguments {
    @Option(help: "The secret key (hex or nsec). Visible in ps and shell history: prefer --sec-file or OPERATOR_GATE_NSEC.")
    var sec: String?
    @Option(help: "A file holding the secret key (hex or nsec), not readable by group or others (chmod 600).")
    var secFile: String?

    /// The key, with an error naming where it came from.
    func secretKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SecretKey {
        if let secFile {
            let text: String
            do { text = try SecretFile.read(secFile, field: "--sec-file") } catch { throw CLIError("\(error)") }
            return try parseSecretKey(text, option: "--sec-file")
        }
        if let fromEnvironment = environment["OPERATOR_GATE_NSEC"], !fromEnvironment.isEmpty, sec == nil {
            return try parseSecretKey(fromEnvironment, option: "OPERATOR_GATE_NSEC")
        }
        guard let sec else { throw CLIError("no secret key: pass --sec-file FILE (or set OPERATOR_GATE_NSEC, or --sec KEY)") }
        return try parseSecretKey(sec)
    }
}
