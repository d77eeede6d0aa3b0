import Foundation

/// Reads a file holding a secret (the bot's key, the Gitea token, the ledger password), refusing one that group
/// or others may read: a secret in a world-readable file is as good as published to everyone on the machine.
public enum SecretFile {
    /// The file's text, surrounding whitespace trimmed; errors name `field` and say what to do.
    public static func read(_ path: String, field: String) throws(BotConfigurationError) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw BotConfigurationError(field: field, problem: "cannot read \(path)")
        }
        if let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0 {
            throw BotConfigurationError(field: field, problem: "\(path) is readable by group or others: chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BotConfigurationError(field: field, problem: "cannot read \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
