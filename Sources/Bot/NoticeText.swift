import Encoding

/// The words of notices: one line per event, and a digest of several.
///
/// `ops/tc#12 “Deploy broke” — bob commented: “rolled back…” https://…`, `ops/tc!7 “Add deploy” merged by carol
/// https://…`, `ops/tc: carol pushed 3 commits to main https://…`. A change the bot made (its key footer) ends
/// "(via operator-gate)".
public enum NoticeText {
    /// Lines a digest lists before "and N more".
    public static let digestLines = 10
    static let titleLength = 60
    static let excerptLength = 80

    public static func line(_ event: ForgeEvent) -> String {
        var line = event.repository
        if let number = event.number { line += (event.isPull ? "!" : "#") + "\(number)" }
        if let title = event.title, !title.isEmpty { line += " “\(title.utf8Prefix(titleLength))”" }
        switch event.kind {
        case .comments, .reviews:
            line += " — \(event.actor) \(event.what)"
            if let excerpt = event.excerpt.map(oneLine), !excerpt.isEmpty { line += ": “\(excerpt.utf8Prefix(excerptLength))”" }
        case .issues, .pulls:
            line += " \(event.what) by \(event.actor)"
        case .push, .releases, .actions:
            line += ": \(event.actor) \(event.what)"
        }
        if let url = event.url, !url.isEmpty { line += " " + url }
        if event.viaBot { line += " (via operator-gate)" }
        return line
    }

    /// One DM for `lines`: the line itself, or a count and up to ``digestLines`` lines, then "and N more".
    public static func message(_ lines: [String]) -> String {
        guard lines.count > 1 else { return lines.first ?? "" }
        var text = ["\(lines.count) events:"] + lines.prefix(digestLines)
        if lines.count > digestLines { text.append("and \(lines.count - digestLines) more") }
        return text.joined(separator: "\n")
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
    }
}
