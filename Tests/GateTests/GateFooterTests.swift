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
}
