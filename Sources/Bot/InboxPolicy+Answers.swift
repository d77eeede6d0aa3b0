/// The texts the inbox answers with by itself: help, whoami, and durations in its refusals.
extension InboxPolicy {
    static func help(_ verb: String?) -> String {
        if let verb { return "Usage: " + CommandGrammar.usage(verb.lowercased()) }
        return
            (["Commands (repo is owner/name, an alias, or omitted for your default; #N issue, !N pull request):"]
            + CommandGrammar.verbs.map { "• " + CommandGrammar.usage($0) }
            + ["Prefix with \"again\" to repeat a command inside the 24 h duplicate window."]).joined(separator: "\n")
    }

    static func whoami(_ op: Operator) -> String {
        var lines = ["You are \(op.name) (\(op.publicKey.npub))."]
        lines.append("Repositories: " + op.repositories.joined(separator: ", "))
        lines.append("Actions: " + op.actions.map(\.rawValue).sorted().joined(separator: ", "))
        lines.append(
            "Acts on Gitea as: "
                + (op.giteaUser.map { "\($0) (" + (op.tokenFile == nil ? "Sudo" : "personal token") + ")" } ?? "the bot's own account"))
        if !op.confirm.isEmpty { lines.append("Needs your \"yes\": " + op.confirm.map(\.rawValue).sorted().joined(separator: ", ")) }
        if let repo = op.defaultRepository { lines.append("Default repository: \(repo)") }
        if !op.aliases.isEmpty {
            lines.append("Aliases: " + op.aliases.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// A duration as a person reads it: "45 s", "12 min", "3 h", "2 days".
    static func duration(_ seconds: Int64) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86400) days"
    }
}
