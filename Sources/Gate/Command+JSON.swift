import Encoding
import Foundation

extension Command {
    private struct Wire: Decodable {
        let source: String?
        let action: String
        let repo: String
        let payload: Payload?
        let origin: Origin?
        let again: Bool?
        let `operator`: String?
        let acting_user: String?

        struct Payload: Decodable {
            let title: String?, body: String?, labels: [String]?, assignees: [String]?
            let issue_num: Int?, comment: String?, add: [String]?, remove: [String]?
            let pr_num: Int?, style: String?, head_sha: String?, delete_branch: Bool?
            let number: Int?, key: String?
            let state: String?, assignee: String?, text: String?, kind: String?
            let workflow: String?, ref: String?, inputs: [String: String]?, run_num: Int?, failed_only: Bool?
            let code: String?, accept: Bool?, kinds: [String]?, enable: Bool?
        }
    }

    /// Decodes the documented JSON form:
    /// `{"source","action","repo","payload":{…},"origin"?:{"event_id","created_at"},"again"?,"operator"?,"acting_user"?}`.
    /// `operator` and `acting_user` are the audit trail the ledger keeps; a transport that knows who sent the command
    /// sets them itself (the bot drops them from a DM's JSON).
    /// - Parameters:
    ///   - receivedAt: stamped by the Gate, not read from the JSON.
    ///   - source: when given, replaces (or supplies) `source`: a transport knows who sent the command.
    public static func parse(_ data: Data, receivedAt: Int64, source: String? = nil) throws(CommandError) -> Command {
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: data) } catch {
            throw .malformed(Self.describe(error))
        }
        guard let action = GateAction(rawValue: wire.action) else { throw .unknownAction(wire.action) }
        let repository = try Repository(wire.repo)
        let payload = try Self.payload(action, wire.payload)
        guard let source = source ?? wire.source else { throw .malformed("missing \"source\"") }
        return Command(
            source: source, repository: repository, payload: payload, origin: wire.origin,
            receivedAt: receivedAt, again: wire.again ?? false, operatorName: wire.operator, actingUser: wire.acting_user)
    }

    private static func payload(_ action: GateAction, _ p: Wire.Payload?) throws(CommandError) -> CommandPayload {
        let name = action.rawValue
        func number(_ value: Int?, _ field: String) throws(CommandError) -> Int {
            guard let value else { throw .missingField(action: name, field: field) }
            guard value > 0 else { throw .invalidField(action: name, field: field, reason: "must be a positive number") }
            return value
        }
        func text(_ value: String?, _ field: String) throws(CommandError) -> String {
            guard let value else { throw .missingField(action: name, field: field) }
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalidField(action: name, field: field, reason: "must not be empty")
            }
            return value
        }
        switch action {
        case .createIssue:
            return .createIssue(title: try text(p?.title, "title"), body: p?.body ?? "", labels: p?.labels ?? [], assignees: p?.assignees ?? [])
        case .addComment:
            return .addComment(issue: try number(p?.issue_num, "issue_num"), body: try text(p?.body, "body"))
        case .closeIssue:
            return .closeIssue(issue: try number(p?.issue_num, "issue_num"), comment: p?.comment)
        case .reopenIssue:
            return .reopenIssue(issue: try number(p?.issue_num, "issue_num"))
        case .assignIssue:
            let issue = try number(p?.issue_num, "issue_num")
            guard p?.assignees != nil || p?.add != nil || p?.remove != nil else {
                throw .missingField(action: name, field: "assignees, add or remove")
            }
            return .assignIssue(issue: issue, set: p?.assignees, add: p?.add ?? [], remove: p?.remove ?? [])
        case .labelIssue:
            let issue = try number(p?.issue_num, "issue_num")
            guard !(p?.add ?? []).isEmpty || !(p?.remove ?? []).isEmpty else { throw .missingField(action: name, field: "add or remove") }
            return .labelIssue(issue: issue, add: p?.add ?? [], remove: p?.remove ?? [])
        case .mergePR:
            let pr = try number(p?.pr_num, "pr_num")
            var style = MergeStyle.merge
            if let raw = p?.style {
                guard let parsed = MergeStyle(rawValue: raw) else {
                    throw .invalidField(
                        action: name, field: "style", reason: "must be one of \(MergeStyle.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                style = parsed
            }
            if let sha = p?.head_sha, !(7...64).contains(sha.count) || !sha.allSatisfy(\.isHexDigit) {
                throw .invalidField(action: name, field: "head_sha", reason: "must be 7 to 64 hex characters")
            }
            return .mergePR(pr: pr, style: style, headSHA: p?.head_sha?.lowercased(), deleteBranch: p?.delete_branch ?? false)
        case .show:
            return .show(number: try number(p?.number, "number"))
        case .status:
            let key = try text(p?.key, "key")
            guard key.count >= 4, key.allSatisfy(\.isHexDigit) else {
                throw .invalidField(action: name, field: "key", reason: "must be at least 4 hex characters of a gate key")
            }
            return .status(keyPrefix: key.lowercased())
        case .list:
            switch p?.kind ?? "issues" {
            case "runs": return .runs(workflow: p?.workflow.flatMap { $0.isEmpty ? nil : $0 })
            case "issues", "pulls": break
            default: throw .invalidField(action: name, field: "kind", reason: "must be issues, pulls or runs")
            }
            var filter = IssueFilter(labels: p?.labels ?? [], assignee: p?.assignee, text: p?.text)
            if let raw = p?.state {
                guard let state = IssueFilter.State(rawValue: raw) else {
                    throw .invalidField(action: name, field: "state", reason: "must be open, closed or all")
                }
                filter.state = state
            }
            return .list(filter: filter, pulls: p?.kind == "pulls")
        case .dispatchWorkflow:
            return .dispatchWorkflow(workflow: try text(p?.workflow, "workflow"), ref: p?.ref, inputs: p?.inputs ?? [:])
        case .rerunWorkflow:
            return .rerunWorkflow(run: try number(p?.run_num, "run_num"), failedOnly: p?.failed_only ?? false)
        case .confirm:
            return .confirm(code: try text(p?.code, "code"), accept: p?.accept ?? true)
        case .watch:
            guard let kinds = p?.kinds else { return .watching }
            return .watch(kinds: kinds, enable: p?.enable ?? true)
        }
    }

    /// The documented JSON form, keys in a fixed order (stored in the ledger; ``parse(_:receivedAt:)`` reads it back).
    public var jsonString: String {
        func q(_ value: String) -> String { CanonicalJSON.quoted(value) }
        var fields = [("source", q(source)), ("action", q(action.rawValue)), ("repo", q(repository.description)), ("payload", payloadJSON)]
        if let origin { fields.append(("origin", "{\"event_id\":\(q(origin.eventID)),\"created_at\":\(origin.createdAt)}")) }
        fields.append(("again", again ? "true" : "false"))
        if let operatorName { fields.append(("operator", q(operatorName))) }
        if let actingUser { fields.append(("acting_user", q(actingUser))) }
        return "{" + fields.map { q($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// The payload object of ``jsonString``.
    public var payloadJSON: String {
        var payloadFields: [(String, String)] = []
        func q(_ value: String) -> String { CanonicalJSON.quoted(value) }
        func list(_ values: [String]) -> String { "[" + values.map(q).joined(separator: ",") + "]" }
        switch payload {
        case .createIssue(let title, let body, let labels, let assignees):
            payloadFields = [("title", q(title)), ("body", q(body)), ("labels", list(labels)), ("assignees", list(assignees))]
        case .addComment(let issue, let body):
            payloadFields = [("issue_num", "\(issue)"), ("body", q(body))]
        case .closeIssue(let issue, let comment):
            payloadFields = [("issue_num", "\(issue)")] + (comment.map { [("comment", q($0))] } ?? [])
        case .reopenIssue(let issue):
            payloadFields = [("issue_num", "\(issue)")]
        case .assignIssue(let issue, let set, let add, let remove):
            payloadFields =
                [("issue_num", "\(issue)")] + (set.map { [("assignees", list($0))] } ?? []) + [("add", list(add)), ("remove", list(remove))]
        case .labelIssue(let issue, let add, let remove):
            payloadFields = [("issue_num", "\(issue)"), ("add", list(add)), ("remove", list(remove))]
        case .mergePR(let pr, let style, let headSHA, let deleteBranch):
            payloadFields =
                [("pr_num", "\(pr)"), ("style", q(style.rawValue))] + (headSHA.map { [("head_sha", q($0))] } ?? [])
                + [("delete_branch", "\(deleteBranch)")]
        case .show(let number):
            payloadFields = [("number", "\(number)")]
        case .status(let prefix):
            payloadFields = [("key", q(prefix))]
        case .list(let filter, let pulls):
            payloadFields =
                [("state", q(filter.state.rawValue)), ("labels", list(filter.labels))] + (filter.assignee.map { [("assignee", q($0))] } ?? [])
                + (filter.text.map { [("text", q($0))] } ?? []) + [("kind", q(pulls ? "pulls" : "issues"))]
        case .runs(let workflow):
            payloadFields = [("kind", q("runs"))] + (workflow.map { [("workflow", q($0))] } ?? [])
        case .dispatchWorkflow(let workflow, let ref, let inputs):
            let pairs = inputs.keys.sorted().map { q($0) + ":" + q(inputs[$0] ?? "") }
            payloadFields =
                [("workflow", q(workflow))] + (ref.map { [("ref", q($0))] } ?? []) + [("inputs", "{" + pairs.joined(separator: ",") + "}")]
        case .rerunWorkflow(let run, let failedOnly):
            payloadFields = [("run_num", "\(run)"), ("failed_only", "\(failedOnly)")]
        case .confirm(let code, let accept):
            payloadFields = [("code", q(code)), ("accept", "\(accept)")]
        case .watch(let kinds, let enable):
            payloadFields = [("kinds", list(kinds)), ("enable", "\(enable)")]
        case .watching:
            payloadFields = []
        }
        return "{" + payloadFields.map { q($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context): return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "invalid JSON"
        }
    }
}
