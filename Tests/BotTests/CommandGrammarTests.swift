import Foundation
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

    /// Lists and Actions: filters before search words, a repository first only when it is one, the ref right after
    /// the workflow and inputs as key=value, run numbers with or without `#`.
    @Test func listsAndWorkflowVerbs() {
        #expect(Self.command("list")?.payload == .list(filter: IssueFilter(), pulls: false))
        #expect(
            Self.command("list web closed label:bug label:ops @bob deploy broke")?.payload
                == .list(filter: IssueFilter(state: .closed, labels: ["bug", "ops"], assignee: "bob", text: "deploy broke"), pulls: false))
        #expect(Self.command("list web closed")?.repository.description == "timmy/website")
        // Once search words start, the rest is search text.
        #expect(Self.command("prs all fix open issues")?.payload == .list(filter: IssueFilter(state: .all, text: "fix open issues"), pulls: true))
        #expect(
            Self.command("run deploy.yml")?.payload == .dispatchWorkflow(workflow: "deploy.yml", ref: nil, inputs: [:]))
        #expect(
            Self.command("run tc Deploy release/2.0 env=prod tag=v2.0=final")?.payload
                == .dispatchWorkflow(workflow: "Deploy", ref: "release/2.0", inputs: ["env": "prod", "tag": "v2.0=final"]))
        #expect(Self.command("run web deploy.yml")?.repository.description == "timmy/website")
        // A single word is the workflow, even when it is also an alias.
        #expect(Self.command("run web")?.payload == .dispatchWorkflow(workflow: "web", ref: nil, inputs: [:]))
        #expect(Self.command("runs")?.payload == .runs(workflow: nil))
        #expect(Self.command("runs tc deploy.yml")?.payload == .runs(workflow: "deploy.yml"))
        #expect(Self.command("rerun 12")?.payload == .rerunWorkflow(run: 12, failedOnly: false))
        #expect(Self.command("rerun web #12 FAILED")?.payload == .rerunWorkflow(run: 12, failedOnly: true))
        #expect(Self.command("yes k7f2")?.payload == .confirm(code: "k7f2", accept: true))
        #expect(Self.command("No K7F2")?.payload == .confirm(code: "K7F2", accept: false))
        #expect(Self.command("watch")?.payload == .watch(kinds: ["issues", "pulls", "comments"], enable: true))
        #expect(Self.command("watch web push Releases")?.payload == .watch(kinds: ["push", "releases"], enable: true))
        #expect(Self.command("watch web push")?.repository.description == "timmy/website")
        #expect(Self.command("unwatch")?.payload == .watch(kinds: WatchKind.allCases.map(\.rawValue), enable: false))
        #expect(Self.command("watch all")?.payload == .watch(kinds: WatchKind.allCases.map(\.rawValue), enable: true))
        #expect(Self.command("watching")?.payload == .watching)
        for text in [
            "list @a @b", "list label:", "run", "run env=prod", "run deploy.yml main other", "run deploy.yml a=1 a=2", "runs a b",
            "rerun", "rerun twelve", "rerun 0", "rerun 12 everything", "yes", "no K7F2 please", "watch forks", "watching all"
        ] {
            guard case .invalid(_, let usage) = Self.parse(text) else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(usage.hasPrefix(String(text.split(separator: " ")[0])), "\(text): \(usage)")
        }
    }

    /// The JSON form of the new actions reads back what `jsonString` writes.
    @Test func workflowCommandsRoundTripThroughJSON() throws {
        for payload: CommandPayload in [
            .dispatchWorkflow(workflow: "deploy.yml", ref: "main", inputs: ["b": "2", "a": "1"]),
            .dispatchWorkflow(workflow: "ci", ref: nil, inputs: [:]),
            .rerunWorkflow(run: 4, failedOnly: true), .runs(workflow: nil), .runs(workflow: "ci.yml"),
            .list(filter: IssueFilter(state: .all, labels: ["bug"], assignee: "bob", text: "x y"), pulls: true),
            .confirm(code: "K7F2", accept: false)
        ] {
            let command = Command(source: "s", repository: try Repository("a/b"), payload: payload, receivedAt: 1)
            let parsed = try Command.parse(Data(command.jsonString.utf8), receivedAt: 1)
            #expect(parsed.payload == payload, "\(command.jsonString)")
        }
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
