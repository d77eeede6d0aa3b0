import Gate

/// What a command works on, for ordering (``CommandLanes``): one issue or pull request (they share Gitea's
/// numbers), or the repository itself for a command on no number (`issue` creates one, `status`). Commands on one
/// target run in arrival order; commands on different targets may run at once.
///
/// Repository names compare without case, as Gitea's do.
public struct CommandTarget: Hashable, Sendable, CustomStringConvertible {
    /// `owner/name`, lowercased.
    public let repository: String
    /// The issue or pull request number; `nil` for the repository as a whole.
    public let number: Int?

    public init(repository: String, number: Int?) {
        self.repository = repository.lowercased()
        self.number = number
    }

    /// The target of `command`.
    public init(_ command: Command) {
        self.init(repository: command.repository.normalized, number: command.payload.number)
    }

    public var description: String { number.map { "\(repository)#\($0)" } ?? repository }
}
