import Gate
import NostrCore

/// Who may do what: an operator's key, name, repositories (`owner/*` or `owner/name`) and actions.
public struct Operator: Sendable, Equatable {
    public let publicKey: PublicKey
    public let name: String
    /// Patterns: `owner/name` or `owner/*` (case-insensitive).
    public let repositories: [String]
    public let actions: Set<GateAction>
    public let defaultRepository: Repository?
    public let aliases: [String: Repository]
    /// The Gitea login that acts for this operator (`gitea_user`): with `Sudo:` on the bot's administrator token,
    /// or with ``tokenFile``; `nil`: the bot's own account acts.
    public let giteaUser: String?
    /// The operator's personal Gitea token file (`token_file`, mode 0600), preferred over `Sudo:`.
    public let tokenFile: String?
    /// Actions that wait for the operator's `yes CODE` (`confirm`).
    public let confirm: Set<GateAction>
    /// ``repositories`` lowercased once (every command is checked against them).
    private let patterns: [RepositoryPattern]

    /// An exact `owner/name`, or the `owner/` prefix of an `owner/*`, lowercased.
    private struct RepositoryPattern: Sendable, Equatable {
        let exact: Bool
        let text: String
    }

    public init(
        publicKey: PublicKey, name: String, repositories: [String], actions: Set<GateAction>,
        defaultRepository: Repository?, aliases: [String: Repository], giteaUser: String? = nil, tokenFile: String? = nil,
        confirm: Set<GateAction> = []
    ) {
        self.publicKey = publicKey
        self.name = name
        self.repositories = repositories
        self.actions = actions
        self.defaultRepository = defaultRepository
        self.aliases = aliases
        self.giteaUser = giteaUser
        self.tokenFile = tokenFile
        self.confirm = confirm
        self.patterns = repositories.map { pattern in
            let pattern = pattern.lowercased()
            return pattern.hasSuffix("/*")
                ? RepositoryPattern(exact: false, text: String(pattern.dropLast(1))) : RepositoryPattern(exact: true, text: pattern)
        }
    }

    /// `command` as this operator gives it: their name and acting Gitea login stamped on it (the ledger's audit trail).
    public func stamp(_ command: Command) -> Command {
        var command = command
        (command.operatorName, command.actingUser) = (name, giteaUser)
        return command
    }

    /// What an operator whose entry names no `actions` may do.
    public static let readOnlyActions: [GateAction] = [.show, .status, .list]

    /// Whether `repository` (`owner/name`) is one of the operator's (`status` shows only ledger entries of these).
    public func covers(_ repository: String) -> Bool {
        let target = repository.lowercased()
        return patterns.contains { $0.exact ? $0.text == target : target.hasPrefix($0.text) }
    }

    /// Whether the operator may run `command`; `nil` when allowed, else the reason. `watching` (a list of one's own
    /// subscriptions) is about no repository.
    public func refusal(for command: Command) -> String? {
        if case .watching = command.payload {
            return actions.contains(.watch) ? nil : "you may not watch (allowed: \(actions.map(\.rawValue).sorted().joined(separator: ", ")))"
        }
        return refusal(command.action, on: command.repository)
    }

    /// Whether the operator may run `action` on `repository`; `nil` when allowed, else the reason.
    public func refusal(_ action: GateAction, on repository: Repository) -> String? {
        // `yes`/`no`: the confirmed command's own action was checked when it was previewed.
        if action == .confirm { return nil }
        guard actions.contains(action) else {
            return "you may not \(action.rawValue) (allowed: \(actions.map(\.rawValue).sorted().joined(separator: ", ")))"
        }
        // Ledger lookups are not about a repository.
        if action == .status { return nil }
        return covers(repository.description) ? nil : "you may not act on \(repository) (allowed: \(repositories.joined(separator: ", ")))"
    }
}
