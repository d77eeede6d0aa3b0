/// The mark every Gitea write carries, so a crash between the write and the ledger can be reconciled by
/// searching Gitea for the key.
///
/// Issue and comment bodies end with:
/// ```
///
/// ---
/// <sub>operator-gate · key d37c84d74e79e579e6409ebb1a8efdefbe862f7eac2ec988e978968cdbee4f8b · close_issue by alice</sub>
/// ```
/// Close, reopen, assign, label and merge leave a short proof comment with the same footer. The full 64-character
/// key is written (not the short form) so a probe can match it exactly with `body.contains(…)`.
public enum GateFooter {
    /// The marker line for `key`.
    public static func line(key: IdempotencyKey, action: GateAction, actor: String) -> String {
        "<sub>operator-gate · key \(key.hex) · \(action.rawValue) by \(sanitize(actor))</sub>"
    }

    /// `body` followed by the footer.
    public static func append(to body: String, key: IdempotencyKey, action: GateAction, actor: String) -> String {
        let trimmed = body.trimmingTrailingNewlines()
        return (trimmed.isEmpty ? "" : trimmed + "\n\n") + "---\n" + line(key: key, action: action, actor: actor)
    }

    /// Whether `body` carries the footer of `key` (exact 64-character match inside a footer line).
    public static func contains(_ body: String, key: IdempotencyKey) -> Bool {
        body.contains("operator-gate · key \(key.hex) ·")
    }

    /// Whether `body` carries any operator-gate footer (a write the bot made): webhook notices mark those.
    public static func isPresent(in body: String) -> Bool {
        body.contains("<sub>operator-gate · key ")
    }

    /// Operator names go into Markdown: keep them to one plain line.
    /// Printable ASCII without Markdown's specials (`nostr:npub1…`, Gitea logins) is only cut to 64 characters,
    /// without the per-scalar property lookups (every write's footer sanitizes its actor).
    private static func sanitize(_ actor: String) -> String {
        let plain = actor.utf8.allSatisfy { byte in byte >= 0x20 && byte < 0x7f && !markdownSpecials.utf8.contains(byte) }
        if plain { return actor.utf8.count <= 64 ? actor : String(decoding: actor.utf8.prefix(64), as: UTF8.self) }
        return String(
            actor.unicodeScalars.filter { !$0.properties.isWhitespace || $0 == " " }
                .map { markdownSpecials.unicodeScalars.contains($0) ? "·" : Character($0) }.prefix(64))
    }

    /// Characters replaced by `·` in an actor's name.
    private static let markdownSpecials = "<>`*_[]|"
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var copy = self
        while copy.last?.isNewline == true || copy.last == " " { copy.removeLast() }
        return copy
    }
}
