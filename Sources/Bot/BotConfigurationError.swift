/// A configuration problem, naming the field and what is wrong.
public struct BotConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// JSON path of the field, e.g. `operators[0].npub`.
    public let field: String
    public let problem: String
    public var description: String { "\(field): \(problem)" }
}
