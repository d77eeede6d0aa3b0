/// An `owner/name` repository reference, validated.
public struct Repository: Hashable, Sendable, CustomStringConvertible, Codable {
    public let owner: String
    public let name: String

    /// Accepts `owner/name` where both parts are 1…100 characters of letters, digits, `-`, `_` and `.`
    /// (Gitea's rules), and neither is `.` or `..`.
    public init(_ text: String) throws(CommandError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(Repository.isValidPart) else { throw .invalidRepository(text) }
        owner = String(parts[0])
        name = String(parts[1])
    }

    public var description: String { "\(owner)/\(name)" }

    /// Gitea compares owner and repository names case-insensitively.
    public var normalized: String { description.lowercased() }

    private static func isValidPart(_ part: Substring) -> Bool {
        guard (1...100).contains(part.count), part != ".", part != ".." else { return false }
        return part.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
