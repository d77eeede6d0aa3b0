import Foundation
import Gate

/// The text commands operators type in a DM, turned into Gate ``Command``s.
///
/// Verbs are case-insensitive; `repo` is `owner/name`, an alias, or omitted for the operator's default;
/// `#N` is an issue, `!N` a pull request.
///
/// | text                                                | meaning                                              |
/// |-----------------------------------------------------|------------------------------------------------------|
/// | `issue [repo] <title>` + lines                      | create an issue; following lines are the body;       |
/// |                                                     | trailing `labels: a, b` and `assign: @x @y` lines    |
/// |                                                     | are understood and removed from the body             |
/// | `comment [repo]#N <text>` (multi-line)              | comment                                              |
/// | `close [repo]#N [reason]` / `reopen [repo]#N`       | close (with an optional comment) / reopen            |
/// | `assign [repo]#N @user… [-@user…]`                  | add and remove assignees                             |
/// | `label [repo]#N +name -name`                        | add and remove labels                                |
/// | `merge [repo]!N [style] [sha:<head>]`               | merge (merge, rebase, rebase-merge, squash,          |
/// |                                                     | fast-forward-only)                                   |
/// | `show [repo]#N`, `status <key prefix>`              | read-only                                            |
/// | `list [repo] [open|closed|all] [label:x]… [@user]`  | read-only: issues (newest 10), `prs` the same for    |
/// | `  [text…]`, `prs …`                                | pull requests; text goes to Gitea's search           |
/// | `run [repo] <workflow> [ref] [key=value…]`          | dispatch a Gitea Actions workflow (file or name)     |
/// | `runs [repo] [workflow]`                            | read-only: the latest 5 runs                         |
/// | `rerun [repo] <run number> [failed]`                | rerun a run, or only its failed jobs                 |
/// | `yes <code>` / `no <code>`                          | confirm or drop a command that waits for it          |
/// | `watch [repo] [kinds…]`, `unwatch …`, `watching`    | webhook notices the operator gets (kept by the bot)  |
/// | `help [verb]`, `whoami`                             | answered by the bot itself                           |
/// | `again <command>`                                   | bypass the duplicate window                          |
/// | `{"action": …}`                                     | the Gate's JSON form (source and origin are the DM's) |
public struct CommandGrammar: Sendable {
    /// What the operator may abbreviate.
    public struct Context: Sendable {
        public var defaultRepository: Repository?
        /// Alias → repository (aliases compare case-insensitively).
        public var aliases: [String: Repository]
        public init(defaultRepository: Repository? = nil, aliases: [String: Repository] = [:]) {
            self.defaultRepository = defaultRepository
            self.aliases = Dictionary(aliases.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// What a DM asked for.
    public enum Request: Sendable, Equatable {
        case command(Command)
        case help(verb: String?)
        case whoami
        /// Not understood: `message` says why and `usage` how.
        case invalid(message: String, usage: String)
    }

    public static let verbs = [
        "issue", "comment", "close", "reopen", "assign", "label", "merge", "show", "status", "list", "prs", "run", "runs", "rerun", "yes",
        "no", "watch", "unwatch", "watching", "help", "whoami"
    ]

    /// One line of usage per verb, for replies.
    public static func usage(_ verb: String) -> String {
        switch verb {
        case "issue": return "issue [repo] <title>  (next lines: body; optional last lines \"labels: a, b\" and \"assign: @x @y\")"
        case "comment": return "comment [repo]#N <text>"
        case "close": return "close [repo]#N [reason]"
        case "reopen": return "reopen [repo]#N"
        case "assign": return "assign [repo]#N @user… [-@user…]"
        case "label": return "label [repo]#N +name -name"
        case "merge": return "merge [repo]!N [merge|rebase|rebase-merge|squash|fast-forward-only] [sha:<head>]"
        case "show": return "show [repo]#N"
        case "status": return "status <key prefix>"
        case "list": return "list [repo] [open|closed|all] [label:name]… [@assignee] [search words…]"
        case "prs": return "prs [repo] [open|closed|all] [label:name]… [@assignee] [search words…]"
        case "run": return "run [repo] <workflow file or name> [ref] [input=value…]"
        case "runs": return "runs [repo] [workflow]"
        case "rerun": return "rerun [repo] <run number> [failed]"
        case "yes": return "yes <code>  (executes the command a confirmation preview named)"
        case "no": return "no <code>  (drops it)"
        case "watch": return "watch [repo] [issues|pulls|comments|reviews|push|releases|actions|all]…  (default: issues pulls comments)"
        case "unwatch": return "unwatch [repo] [kinds…]  (default: all)"
        case "watching": return "watching"
        case "help": return "help [verb]"
        case "whoami": return "whoami"
        default: return "verbs: " + verbs.joined(separator: ", ") + " (help <verb> for details)"
        }
    }

    public let context: Context

    public init(context: Context) { self.context = context }

    /// Parses one DM.
    /// - Parameters:
    ///   - source: who sent it (`nostr:<npub>`), stamped into the command.
    ///   - origin: the carrying event.
    public func parse(_ text: String, source: String, origin: Command.Origin?, receivedAt: Int64) -> Request {
        var body = text.commandText
        if body.hasPrefix("{") {
            return parseJSON(body, source: source, origin: origin, receivedAt: receivedAt)
        }
        var again = false
        if let first = body.commandSplit(" ", maxSplits: 1).first,
            first.lowercased() == "again"
        {
            again = true
            body = String(body.dropFirst(first.count)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let lines = body.commandSplit("\n", omittingEmptySubsequences: false).map(String.init)
        var words = (lines.first ?? "").commandSplit(" ").map(String.init)
        guard !words.isEmpty else { return .invalid(message: "empty message", usage: Self.usage("")) }
        let verb = words.removeFirst().lowercased()
        switch verb {
        case "help": return .help(verb: words.first?.lowercased())
        case "whoami": return .whoami
        default: break
        }
        do {
            guard let (repository, payload) = try command(verb, words, body: Array(lines.dropFirst())) else {
                return .invalid(message: "unknown command \"\(verb)\"", usage: Self.usage(""))
            }
            return .command(Command(source: source, repository: repository, payload: payload, origin: origin, receivedAt: receivedAt, again: again))
        } catch let invalid as Invalid {
            return .invalid(message: invalid.message, usage: Self.usage(verb))
        } catch {
            return .invalid(message: "\(error)", usage: Self.usage(verb))
        }
    }

    /// The repository and payload `verb` makes of the first line's other `words` and the following `body` lines;
    /// nil for a verb that is not one of the language's.
    private func command(_ verb: String, _ words: [String], body: [String]) throws -> (Repository, CommandPayload)? {
        switch verb {
        case "issue": return try issue(words, body: body)
        case "merge": return try merge(words)
        case "status": return try status(words)
        case "list", "prs": return try list(words, pulls: verb == "prs")
        case "run": return try run(words)
        case "runs": return try runs(words)
        case "rerun": return try rerun(words)
        case "watch", "unwatch": return try watch(words, enable: verb == "watch")
        case "watching":
            guard words.isEmpty else { throw Invalid("watching takes no arguments") }
            return (try placeholderRepository(), .watching)
        case "yes", "no":
            guard words.count == 1 else { throw Invalid("\(verb) needs the code from the preview, e.g. \(verb) K7F2") }
            return (try placeholderRepository(), .confirm(code: words[0], accept: verb == "yes"))
        case "comment", "close", "reopen", "assign", "label", "show":
            guard let target = words.first else { throw Invalid("\(verb) needs an issue like #12 or owner/name#12") }
            let (repository, number) = try reference(target, marker: "#", verb: verb)
            let arguments = Array(words.dropFirst())
            // The body's CRs are gone (parse normalized the whole text): only the edges are trimmed here.
            let text = ([arguments.joined(separator: " ")] + body).joined(separator: "\n").commandText
            switch verb {
            case "comment":
                guard !text.isEmpty else { throw Invalid("a comment needs text") }
                return (repository, .addComment(issue: number, body: text))
            case "close": return (repository, .closeIssue(issue: number, comment: text.isEmpty ? nil : text))
            case "reopen": return (repository, .reopenIssue(issue: number))
            case "assign": return (repository, try assign(number, arguments))
            case "label": return (repository, try label(number, arguments))
            default: return (repository, .show(number: number))
            }
        default:
            return nil
        }
    }

    struct Invalid: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    func defaultRepository(_ verb: String) throws -> Repository {
        guard let repository = context.defaultRepository else {
            throw Invalid("no default repository is configured for you: write owner/name")
        }
        return repository
    }

    /// A first word that names a repository: it contains `/` or is an alias.
    func explicitRepository(_ word: String) throws -> Repository? {
        if let alias = context.aliases[word.lowercased()] { return alias }
        guard word.contains("/") else { return nil }
        do { return try Repository(word) } catch { throw Invalid(error.description) }
    }

    /// `#12`, `owner/name#12` or `alias#12` (with `!` for pull requests).
    func reference(_ word: String, marker: Character, verb: String) throws -> (Repository, Int) {
        guard let index = word.lastIndex(of: marker) else {
            throw Invalid("\(verb) needs \(marker)N, e.g. \(marker == "#" ? "#12" : "!7") or owner/name\(marker)\(marker == "#" ? "12" : "7")")
        }
        guard let number = Int(word[word.index(after: index)...]), number > 0 else { throw Invalid("\"\(word)\" has no number after \(marker)") }
        let prefix = String(word[..<index])
        if prefix.isEmpty { return (try defaultRepository(verb), number) }
        guard let repository = try explicitRepository(prefix) else { throw Invalid("\"\(prefix)\" is neither owner/name nor one of your aliases") }
        return (repository, number)
    }

    private func parseJSON(_ text: String, source: String, origin: Command.Origin?, receivedAt: Int64) -> Request {
        do {
            let command = try Command.parse(Data(text.utf8), receivedAt: receivedAt, source: source)
            // The DM decides who sent it and which event carried it, not the JSON.
            return .command(
                Command(
                    source: source, repository: command.repository, payload: command.payload, origin: origin,
                    receivedAt: receivedAt, again: command.again))
        } catch {
            return .invalid(message: error.description, usage: "{\"action\": …, \"repo\": \"owner/name\", \"payload\": {…}} (see README)")
        }
    }
}
