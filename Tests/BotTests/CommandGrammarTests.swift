import Gate
import Testing

@testable import Bot

@Suite struct CommandGrammarTests {
    static let grammar = CommandGrammar(
        context: .init(
            defaultRepository: try! Repository("timmy/timmy-config"),
            aliases: ["tc": try! Repository("timmy/timmy-config"), "web": try! Repository("timmy/website")]))
    static let origin = Command.Origin(eventID: "e1", createdAt: 100)

    static func parse(_ text: String) -> CommandGrammar.Request {
        grammar.parse(text, source: "nostr:npub1alice", origin: origin, receivedAt: 200)
    }

    static func command(_ text: String) -> Command? {
        if case .command(let command) = parse(text) { return command }
        return nil
    }

    @Test func issueWithBodyLabelsAndAssignees() throws {
        let command = try #require(
            Self.command("Issue web Deploy failed on staging\nLogs are in /var/log.\n\nSecond para.\nlabels: bug, ops\nassign: @bob @alice"))
        #expect(command.repository.description == "timmy/website")
        #expect(
            command.payload
                == .createIssue(
                    title: "Deploy failed on staging", body: "Logs are in /var/log.\n\nSecond para.",
                    labels: ["bug", "ops"], assignees: ["@bob", "@alice"]))
        #expect(command.source == "nostr:npub1alice" && command.origin == Self.origin && !command.again)
        // The first word is a repository only if it contains "/" or is an alias.
        #expect(Self.command("issue Fix the thing")?.payload == .createIssue(title: "Fix the thing", body: "", labels: [], assignees: []))
        #expect(Self.command("issue Fix the thing")?.repository.description == "timmy/timmy-config")
        #expect(Self.command("issue other/repo Fix")?.repository.description == "other/repo")
    }

    @Test func everyVerb() {
        #expect(Self.command("comment #12 looks good\nsecond line")?.payload == .addComment(issue: 12, body: "looks good\nsecond line"))
        #expect(Self.command("close tc#12 fixed upstream")?.payload == .closeIssue(issue: 12, comment: "fixed upstream"))
        #expect(Self.command("CLOSE timmy/website#3")?.repository.description == "timmy/website")
        #expect(Self.command("close #12")?.payload == .closeIssue(issue: 12, comment: nil))
        #expect(Self.command("reopen #12")?.payload == .reopenIssue(issue: 12))
        #expect(Self.command("assign #4 @bob -@carol")?.payload == .assignIssue(issue: 4, set: nil, add: ["bob"], remove: ["carol"]))
        #expect(Self.command("label #4 +bug -wontfix")?.payload == .labelIssue(issue: 4, add: ["bug"], remove: ["wontfix"]))
        #expect(Self.command("merge timmy-config!7 squash")?.payload == nil, "timmy-config alone is neither owner/name nor an alias")
        #expect(Self.command("merge tc!7 squash sha:ABCDEF12")?.payload == .mergePR(pr: 7, style: .squash, headSHA: "abcdef12", deleteBranch: false))
        #expect(Self.command("merge !7")?.payload == .mergePR(pr: 7, style: .merge, headSHA: nil, deleteBranch: false))
        #expect(Self.command("show #9")?.payload == .show(number: 9))
        #expect(Self.command("status d37c84d7")?.payload == .status(keyPrefix: "d37c84d7"))
        #expect(Self.parse("help merge") == .help(verb: "merge"))
        #expect(Self.parse("whoami") == .whoami)
        #expect(Self.command("again close #12")?.again == true)
    }

    @Test func jsonFormTakesSourceAndOriginFromTheDM() {
        let command = Self.command(#"{"source":"spoofed","action":"close_issue","repo":"a/b","payload":{"issue_num":5}}"#)
        #expect(command?.source == "nostr:npub1alice" && command?.origin == Self.origin)
        #expect(Self.command(#"{"action":"reopen_issue","repo":"a/b","payload":{"issue_num":5}}"#)?.payload == .reopenIssue(issue: 5))
    }

    @Test func badInputGetsTheVerbsUsage() {
        guard case .invalid(let message, let usage) = Self.parse("merge tc#7") else {
            Issue.record("accepted")
            return
        }
        #expect(message.contains("!N") && usage.hasPrefix("merge [repo]!N"))
        guard case .invalid(let unknown, let verbs) = Self.parse("deploy prod") else {
            Issue.record("accepted")
            return
        }
        #expect(unknown == "unknown command \"deploy\"" && verbs.contains("issue"))
        for text in ["assign #4 bob", "label #4 bug", "close", "comment #3", "issue", "status zz", "merge !7 octopus", "show nope/#x"] {
            guard case .invalid = Self.parse(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
        }
        let noDefault = CommandGrammar(context: .init())
        guard case .invalid(let missing, _) = noDefault.parse("close #1", source: "s", origin: nil, receivedAt: 0) else {
            Issue.record("accepted")
            return
        }
        #expect(missing.contains("no default repository"))
    }
}
