import Foundation

/// What the Gate tells the operator about one command. Stored in the ledger as JSON, so a repeated command is
/// answered with the original result.
public struct Ack: Codable, Sendable, Equatable {
    public var success: Bool
    /// The full gate key (64 hex characters); empty for read-only actions.
    public var key: String
    public var action: GateAction
    public var repository: String
    public var number: Int?
    public var title: String?
    public var url: String?
    /// What the issue or pull request was left as (`status`: the ledger entry's state).
    public var state: AckState?
    /// What happened, or what Gitea or a rule said.
    public var message: String
    /// The command had already been executed (this answer repeats the original result).
    public var priorExecution: Bool
    /// Unix seconds of the execution this answer describes.
    public var executedAt: Int64?
    /// Things that went partly wrong (labels or assignees Gitea silently dropped, a proof comment that failed).
    public var warnings: [String]
    /// A list answer's lines (`list`, `prs`, `runs`), after ``message`` (its count line); empty for an answer that is
    /// ``message`` alone (a confirmation's preview); `nil` for the rest.
    public var lines: [String]?

    public init(
        success: Bool, key: String, action: GateAction, repository: String, number: Int? = nil, title: String? = nil,
        url: String? = nil, state: AckState? = nil, message: String, priorExecution: Bool = false, executedAt: Int64? = nil,
        warnings: [String] = [], lines: [String]? = nil
    ) {
        self.success = success
        self.key = key
        self.action = action
        self.repository = repository
        self.number = number
        self.title = title
        self.url = url
        self.state = state
        self.message = message
        self.priorExecution = priorExecution
        self.executedAt = executedAt
        self.warnings = warnings
        self.lines = lines
    }

    /// One short sentence for a chat reply.
    public var sentence: String {
        let target = number.map { "\(repository)\(action == .mergePR ? "!" : "#")\($0)" } ?? repository
        let titled = title.map { " “\($0)”" } ?? ""
        let link = url.map { " \($0)" } ?? ""
        let keyNote = key.isEmpty ? "" : " (key \(key.prefix(12)))"
        let warningNote = warnings.isEmpty ? "" : " Note: " + warnings.joined(separator: "; ") + "."
        if let lines { return ([(success ? "" : "✗ ") + message] + lines).joined(separator: "\n") }
        if !success { return "✗ \(action.rawValue) \(target): \(message)\(keyNote)" }
        let prefix = priorExecution ? "Already done earlier: " : "✓ "
        return "\(prefix)\(message) \(target)\(titled)\(link)\(keyNote).\(warningNote)"
    }

}
