import Crypto
import Encoding
import Foundation

/// The gate key: SHA-256 over a canonical encoding of (source, action, repository, normalized payload).
///
/// Encoding (UTF-8, one field per line, values as JSON strings or arrays with NIP-01 escaping):
/// ```
/// operator-gate-key/1
/// source:"nostr:npub1…"
/// action:"create_issue"
/// repo:"owner/name"                      lowercased
/// title:"Deploy failed"                  create_issue: trimmed, CRLF → LF
/// body:"…"                               trimmed, CRLF → LF
/// labels:["bug","ops"]                   trimmed, de-duplicated, sorted
/// assignees:["alice","bob"]              '@' dropped, lowercased, de-duplicated, sorted
/// ```
/// Other actions write their fields the same way, in the order of ``CommandPayload``'s associated values
/// (`issue:12`, `comment:"…"`, `style:"squash"`, `head_sha:"…"` lowercased, `delete_branch:true`, …). A workflow
/// dispatch writes `workflow:"deploy.yml"`, `ref:"main"` (or `null` for the default branch) and
/// `inputs:["env":"prod","tag":"v2"]`, its inputs sorted by name.
/// The key is written into every Gitea write (see the footer format), so a crash can be reconciled by searching for it.
public struct IdempotencyKey: Hashable, Sendable, CustomStringConvertible, Codable {
    /// 64 lowercase hex characters.
    public let hex: String

    public init(hex: String) { self.hex = hex }

    /// The first 12 characters, for people.
    public var short: String { String(hex.prefix(12)) }
    public var description: String { hex }

    /// The key of `command`.
    public init(_ command: Command) {
        hex = SHA256.hash(data: IdempotencyKey.canonicalEncoding(command)).withUnsafeBytes { Hex.encode(Array($0)) }
    }

    /// The exact bytes that are hashed.
    public static func canonicalEncoding(_ command: Command) -> [UInt8] {
        var lines = [
            "operator-gate-key/1", "source:" + quoted(command.source), "action:" + quoted(command.action.rawValue),
            "repo:" + quoted(command.repository.normalized)
        ]
        switch command.payload {
        case .createIssue(let title, let body, let labels, let assignees):
            lines += [
                "title:" + quoted(title.commandText), "body:" + quoted(body.commandText), "labels:" + list(names(labels)),
                "assignees:" + list(logins(assignees))
            ]
        case .addComment(let issue, let body):
            lines += ["issue:\(issue)", "body:" + quoted(body.commandText)]
        case .closeIssue(let issue, let comment):
            lines += ["issue:\(issue)", "comment:" + (comment.map { quoted($0.commandText) } ?? "null")]
        case .reopenIssue(let issue):
            lines += ["issue:\(issue)"]
        case .assignIssue(let issue, let set, let add, let remove):
            lines += [
                "issue:\(issue)", "set:" + (set.map { list(logins($0)) } ?? "null"), "add:" + list(logins(add)),
                "remove:" + list(logins(remove))
            ]
        case .labelIssue(let issue, let add, let remove):
            lines += ["issue:\(issue)", "add:" + list(names(add)), "remove:" + list(names(remove))]
        case .mergePR(let pr, let style, let headSHA, let deleteBranch):
            lines += [
                "pr:\(pr)", "style:" + quoted(style.rawValue), "head_sha:" + (headSHA.map { quoted($0.lowercased()) } ?? "null"),
                "delete_branch:\(deleteBranch)"
            ]
        case .show(let number):
            lines += ["number:\(number)"]
        case .status(let prefix):
            lines += ["key:" + quoted(prefix.lowercased())]
        case .list(let filter, let pulls):
            lines += [
                "pulls:\(pulls)", "state:" + quoted(filter.state.rawValue), "labels:" + list(names(filter.labels)),
                "assignee:" + (filter.assignee.map { quoted($0.lowercased()) } ?? "null"),
                "text:" + (filter.text.map { quoted($0.commandText) } ?? "null")
            ]
        case .runs(let workflow):
            lines += ["workflow:" + (workflow.map { quoted($0.commandText) } ?? "null")]
        case .dispatchWorkflow(let workflow, let ref, let inputs):
            lines += [
                "workflow:" + quoted(workflow.commandText), "ref:" + (ref.map { quoted($0.commandText) } ?? "null"),
                "inputs:[" + inputs.keys.sorted().map { quoted($0) + ":" + quoted(inputs[$0] ?? "") }.joined(separator: ",") + "]"
            ]
        case .rerunWorkflow(let run, let failedOnly):
            lines += ["run:\(run)", "failed_only:\(failedOnly)"]
        case .confirm(let code, let accept):
            lines += ["code:" + quoted(code.uppercased()), "accept:\(accept)"]
        case .watch(let kinds, let enable):
            lines += ["kinds:" + list(names(kinds)), "enable:\(enable)"]
        case .watching:
            break
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    static func names(_ values: [String]) -> [String] {
        Array(Set(values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
    }

    static func logins(_ values: [String]) -> [String] {
        names(values.map { $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }.map { $0.lowercased() })
    }

    private static func quoted(_ value: String) -> String { CanonicalJSON.quoted(value) }

    private static func list(_ values: [String]) -> String {
        var out: [UInt8] = []
        CanonicalJSON.appendStrings(values, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
