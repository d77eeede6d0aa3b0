import Foundation

/// What a command's target looked like when the operator was shown it (a confirmation's preview), to tell at the
/// `yes` whether it changed: an issue's or pull request's state, a pull request's merged flag and head.
public struct TargetSnapshot: Codable, Sendable, Equatable {
    public var state: String?
    public var merged: Bool?
    public var head: String?

    public init(state: String? = nil, merged: Bool? = nil, head: String? = nil) { (self.state, self.merged, self.head) = (state, merged, head) }

    /// What changed from `earlier` to this, for the operator; `nil` when nothing did.
    public func change(since earlier: TargetSnapshot) -> String? {
        if earlier.merged != true && merged == true { return "it was merged meanwhile" }
        if let before = earlier.head, let now = head, before != now { return "its head moved from \(before.prefix(7)) to \(now.prefix(7))" }
        if let before = earlier.state, let now = state, before != now { return "it was \(now == "closed" ? "closed" : "reopened") meanwhile" }
        return nil
    }

    var json: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    static func parse(_ json: String) -> TargetSnapshot { (try? JSONDecoder().decode(Self.self, from: Data(json.utf8))) ?? TargetSnapshot() }
}
