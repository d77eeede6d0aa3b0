/// Why a command is not well formed. Messages say what to fix.
public enum CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidRepository(String)
    case unknownAction(String)
    case missingField(action: String, field: String)
    case invalidField(action: String, field: String, reason: String)
    case malformed(String)

    public var description: String {
        switch self {
        case .invalidRepository(let text): return "\"\(text)\" is not a repository: write owner/name"
        case .unknownAction(let action):
            return "unknown action \"\(action)\"; known: \(GateAction.allCases.map(\.rawValue).joined(separator: ", "))"
        case .missingField(let action, let field): return "\(action) needs \"\(field)\""
        case .invalidField(let action, let field, let reason): return "\(action): \"\(field)\" \(reason)"
        case .malformed(let detail): return "command is not valid JSON of the documented shape: \(detail)"
        }
    }
}
