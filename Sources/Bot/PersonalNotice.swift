/// Why an operator with a `gitea_user` hears about an event without watching it: newly assigned (Gitea's
/// `assigned` payload lists every assignee, so the bot compares with the assignees it saw last), asked to review,
/// or @-mentioned in a new issue, pull request or comment. Nothing for what the operator did themselves.
public enum PersonalNotice: String, Sendable, Equatable {
    case assigned = "you were assigned"
    case reviewRequested = "your review is requested"
    case mentioned = "you were mentioned"

    /// The reason `login` hears about `event`, if any; `previousAssignees`: what the bot last saw of the issue.
    public static func reason(_ event: ForgeEvent, login: String, previousAssignees: [String]?) -> PersonalNotice? {
        let me = login.lowercased()
        guard event.actor.lowercased() != me else { return nil }
        if event.action == "review_requested", event.requestedReviewer?.lowercased() == me { return .reviewRequested }
        if event.action == "assigned", let now = event.assignees?.map({ $0.lowercased() }), now.contains(me),
            !(previousAssignees ?? []).map({ $0.lowercased() }).contains(me)
        {
            return .assigned
        }
        if let text = event.newText, mentions(text, login: me) { return .mentioned }
        return nil
    }

    /// Whether `text` has `@login` as a whole word (not inside an e-mail address or a longer name).
    static func mentions(_ text: String, login: String) -> Bool {
        let characters = Array(text.lowercased())
        let needle = Array("@" + login)
        guard characters.count >= needle.count else { return false }
        func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "-" || c == "_" || c == "." }
        for start in 0...(characters.count - needle.count) where Array(characters[start..<start + needle.count]) == needle {
            let before = start == 0 ? nil : characters[start - 1]
            let after = start + needle.count < characters.count ? characters[start + needle.count] : nil
            if before.map({ !isNameCharacter($0) }) ?? true, after.map({ !(isNameCharacter($0) && $0 != ".") }) ?? true { return true }
        }
        return false
    }
}
