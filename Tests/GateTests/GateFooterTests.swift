import Testing

@testable import Gate

@Suite struct GateFooterTests {
    let key = IdempotencyKey(hex: "d37c84d74e79e579e6409ebb1a8efdefbe862f7eac2ec988e978968cdbee4f8b")

    @Test func footerFormat() {
        #expect(
            GateFooter.append(to: "Logs attached.\n\n", key: key, action: .createIssue, actor: "alice") == """
                Logs attached.

                ---
                <sub>operator-gate · key d37c84d74e79e579e6409ebb1a8efdefbe862f7eac2ec988e978968cdbee4f8b · create_issue by alice</sub>
                """)
        #expect(GateFooter.append(to: "", key: key, action: .closeIssue, actor: "bob").hasPrefix("---\n<sub>"))
    }

    @Test func probesMatchOnlyTheFullKey() {
        let body = GateFooter.append(to: "x", key: key, action: .addComment, actor: "alice")
        #expect(GateFooter.contains(body, key: key))
        #expect(!GateFooter.contains(body, key: IdempotencyKey(hex: String(key.hex.dropLast()) + "0")))
        #expect(!GateFooter.contains("someone quoted d37c84d74e79 in prose", key: key))
    }

    @Test func actorNamesCannotBreakTheMarkdown() {
        let line = GateFooter.line(key: key, action: .mergePR, actor: "evil</sub>\n# heading")
        #expect(!line.contains("\n"))
        #expect(line.hasSuffix("</sub>"))
        #expect(line.components(separatedBy: "</sub>").count == 2)
    }

    /// The actor's sanitizing as it was written first (scalar by scalar): the ASCII fast path must agree with it.
    static func sanitizedByScalars(_ actor: String) -> String {
        String(
            actor.unicodeScalars.filter { !$0.properties.isWhitespace || $0 == " " }
                .map { "<>`*_[]|".unicodeScalars.contains($0) ? "·" : Character($0) }.prefix(64))
    }

    @Test func theFastPathAgreesWithTheScalarRules() {
        let pieces = ["nostr:npub1", "alice", " ", "a_b", "<", "`", "|", "\t", "\n", "\u{7f}", "é", "🚀", "\u{2028}", "~!@#$%^&()", "x"]
        // The bot's own actors: `nostr:` and an npub, 69 characters, cut to 64.
        var actors = ["", String(repeating: "a", count: 64), String(repeating: "a", count: 65), "nostr:npub1" + String(repeating: "q", count: 58)]
        for _ in 0..<500 { actors.append((0..<Int.random(in: 1...12)).map { _ in pieces.randomElement()! }.joined()) }
        for actor in actors {
            #expect(GateFooter.line(key: key, action: .addComment, actor: actor).hasSuffix(" by \(Self.sanitizedByScalars(actor))</sub>"), "\(actor)")
        }
    }
}
