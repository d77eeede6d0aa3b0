import Foundation
import Testing

@testable import Gate

@Suite struct CommandTests {
    static func parse(_ json: String) throws(CommandError) -> Command {
        try Command.parse(Data(json.utf8), receivedAt: 1_800_000_000)
    }

    @Test func parsesTheDocumentedShape() throws {
        let command = try Self.parse(
            """
            {"source": "nostr:npub1xyz", "action": "create_issue", "repo": "owner/name",
             "payload": {"title": "Deploy failed", "body": "logs…", "labels": ["bug"], "assignees": ["bob"]},
             "origin": {"event_id": "abc", "created_at": 1764460000}, "again": false}
            """)
        #expect(command.repository.description == "owner/name")
        #expect(command.payload == .createIssue(title: "Deploy failed", body: "logs…", labels: ["bug"], assignees: ["bob"]))
        #expect(command.origin == .init(eventID: "abc", createdAt: 1_764_460_000))
        #expect(command.receivedAt == 1_800_000_000)
        let merge = try Self.parse(#"{"source":"s","action":"merge_pr","repo":"o/r","payload":{"pr_num":7,"style":"squash","head_sha":"ABCDEF1"}}"#)
        #expect(merge.payload == .mergePR(pr: 7, style: .squash, headSHA: "abcdef1", deleteBranch: false))
    }

    @Test func errorsSayWhatToFix() {
        func error(_ json: String) -> CommandError? {
            do {
                _ = try Self.parse(json)
                return nil
            } catch let failure { return failure }
        }
        #expect(error(#"{"source":"s","action":"delete_repo","repo":"o/r"}"#)?.description.hasPrefix("unknown action \"delete_repo\"") == true)
        #expect(
            error(#"{"source":"s","action":"close_issue","repo":"o/r","payload":{}}"#) == .missingField(action: "close_issue", field: "issue_num"))
        #expect(
            error(#"{"source":"s","action":"close_issue","repo":"o/r","payload":{"issue_num":0}}"#)
                == .invalidField(action: "close_issue", field: "issue_num", reason: "must be a positive number"))
        #expect(error(#"{"source":"s","action":"close_issue","repo":"just-a-name","payload":{"issue_num":1}}"#) == .invalidRepository("just-a-name"))
        #expect(error(#"{"source":"s","action":"close_issue","repo":"o/../x","payload":{"issue_num":1}}"#) == .invalidRepository("o/../x"))
        #expect(
            error(#"{"source":"s","action":"merge_pr","repo":"o/r","payload":{"pr_num":1,"style":"octopus"}}"#)?.description.contains("squash")
                == true)
        #expect(
            error(#"{"source":"s","action":"create_issue","repo":"o/r","payload":{"title":"  "}}"#)
                == .invalidField(action: "create_issue", field: "title", reason: "must not be empty"))
        #expect(error("[]") == .malformed("wrong type at "))
    }
}

@Suite struct IdempotencyKeyTests {
    static func command(_ payload: CommandPayload, repo: String = "Owner/Name", source: String = "nostr:npub1a") -> Command {
        Command(source: source, repository: try! Repository(repo), payload: payload, receivedAt: 0)
    }

    @Test func encodingIsDocumentedAndStable() {
        let command = Self.command(
            .createIssue(title: " Deploy failed ", body: "line\r\nnext\n", labels: ["ops", "bug", "bug"], assignees: ["@Bob", "alice"]))
        #expect(
            String(decoding: IdempotencyKey.canonicalEncoding(command), as: UTF8.self) == """
                operator-gate-key/1
                source:"nostr:npub1a"
                action:"create_issue"
                repo:"owner/name"
                title:"Deploy failed"
                body:"line\\nnext"
                labels:["bug","ops"]
                assignees:["alice","bob"]
                """)
        // sha256 of the bytes above, computed independently (Python hashlib).
        #expect(IdempotencyKey(command).hex == "d37c84d74e79e579e6409ebb1a8efdefbe862f7eac2ec988e978968cdbee4f8b")
        #expect(IdempotencyKey(command).short == "d37c84d74e79")
    }

    /// Every other write action's encoding and key, pinned the same way (sha256 computed with Python's hashlib
    /// over the expected bytes): a change to any of them would let a repeated command run twice after an upgrade.
    @Test(arguments: [
        (
            CommandPayload.addComment(issue: 12, body: " looking into it\r\n\"quoted\" "), "add_comment",
            #"issue:12\#nbody:"looking into it\n\"quoted\"""#, "7ca0d09d14ed9e450ffbdcf2657e32bdea61eec3b1dfaa88d233d9a82db16a88"
        ),
        (
            .closeIssue(issue: 12, comment: "fixed by a redeploy"), "close_issue",
            #"issue:12\#ncomment:"fixed by a redeploy""#, "59cfcd809557bd4512d030664c4b5136a0b328109538ed7187ed02151d6756aa"
        ),
        (
            .closeIssue(issue: 12, comment: nil), "close_issue", "issue:12\ncomment:null",
            "5a2df0b80448478284b5c220760ec563762fee2ef8e35e8fd4a945fd73be698c"
        ),
        (.reopenIssue(issue: 12), "reopen_issue", "issue:12", "e36a23316046be862dbbe3eebeb74e2187c83b4e64cddc1b82f1ac03bdd3e36d"),
        (
            .assignIssue(issue: 12, set: nil, add: ["@Bob", "alice", "bob"], remove: ["Carol"]), "assign_issue",
            #"issue:12\#nset:null\#nadd:["alice","bob"]\#nremove:["carol"]"#, "7eed717dbfa03504698e8df85eb29531339a705fa7af1d74ca9fbf1e2a20f31f"
        ),
        (
            .labelIssue(issue: 12, add: ["ops", " bug"], remove: ["wontfix"]), "label_issue",
            #"issue:12\#nadd:["bug","ops"]\#nremove:["wontfix"]"#, "c0e3c8b9ba46947bc2d6de886ac0d06483caf34619391e05a349409f1932e828"
        ),
        (
            .mergePR(pr: 7, style: .squash, headSHA: "ABCDEF1", deleteBranch: true), "merge_pr",
            #"pr:7\#nstyle:"squash"\#nhead_sha:"abcdef1"\#ndelete_branch:true"#, "d2248eddd6d4a0f741616d0f49d8b0aad2c985ddc9872c52639405eaccd3e39d"
        )
    ])
    func everyWriteActionsKeyIsPinned(payload: CommandPayload, action: String, fields: String, digest: String) {
        let command = Self.command(payload)
        let expected = "operator-gate-key/1\nsource:\"nostr:npub1a\"\naction:\"\(action)\"\nrepo:\"owner/name\"\n" + fields
        #expect(String(decoding: IdempotencyKey.canonicalEncoding(command), as: UTF8.self) == expected)
        #expect(IdempotencyKey(command).hex == digest)
    }

    /// Command text normalization (the grammar and the key) skips Foundation when nothing needs changing; it must give what the full
    /// replace-and-trim gives on every text, those at the edges of Unicode's whitespace included.
    @Test(arguments: [
        "", " ", "plain", "a\r\nb", "a\rb", "a\r", "\r\n", "\r\n\r\nx\r\n", " lead", "trail ", "\ttab\t", "\u{00A0}nbsp",
        "nbsp\u{00A0}", "\u{2028}line", "par\u{2029}", "\u{3000}ideo", "é\u{0301}", "\u{0301}", "x\u{200B}", "\u{200B}x", "\n\n",
        "mid dle", "emoji 👍🏽", "\u{85}nel", "nel\u{85}", "\u{1680}ogham", "\u{FEFF}bom"
    ])
    func textNormalizationMatchesTheFullReplaceAndTrim(text: String) {
        let full = text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.commandText == full)
        #expect(Array(text.commandText.utf8) == Array(full.utf8))
    }

    /// The fast path's whitespace test is the set the full trim uses, scalar by scalar over all of Unicode.
    @Test func fastWhitespaceTestIsTheTrimmedSet() {
        let trimmed = CharacterSet.whitespacesAndNewlines
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if String.isTrimmed(scalar) != trimmed.contains(scalar) { differing.append(value) }
        }
        #expect(differing.isEmpty, "scalars where the two sets differ: \(differing.prefix(10).map { String($0, radix: 16) })")
    }

    @Test func normalizationMakesEquivalentCommandsEqual() {
        let a = IdempotencyKey(Self.command(.assignIssue(issue: 3, set: ["@Bob", "alice"], add: [], remove: [])))
        let b = IdempotencyKey(Self.command(.assignIssue(issue: 3, set: ["alice", "bob", "bob"], add: [], remove: []), repo: "owner/name"))
        #expect(a == b)
    }

    @Test func differentCommandsDiffer() {
        let base = Self.command(.closeIssue(issue: 12, comment: nil))
        let keys: Set<IdempotencyKey> = [
            IdempotencyKey(base),
            IdempotencyKey(Self.command(.closeIssue(issue: 13, comment: nil))),
            IdempotencyKey(Self.command(.closeIssue(issue: 12, comment: "done"))),
            IdempotencyKey(Self.command(.reopenIssue(issue: 12))),
            IdempotencyKey(Self.command(.closeIssue(issue: 12, comment: nil), repo: "owner/other")),
            IdempotencyKey(Self.command(.closeIssue(issue: 12, comment: nil), source: "nostr:npub1b")),
            IdempotencyKey(Self.command(.assignIssue(issue: 12, set: nil, add: ["a"], remove: []))),
            IdempotencyKey(Self.command(.assignIssue(issue: 12, set: nil, add: [], remove: ["a"]))),
            IdempotencyKey(Self.command(.assignIssue(issue: 12, set: [], add: [], remove: [])))
        ]
        #expect(keys.count == 9)
    }
}
