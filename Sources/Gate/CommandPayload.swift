/// The action-specific part of a command.
public enum CommandPayload: Hashable, Sendable {
    case createIssue(title: String, body: String, labels: [String], assignees: [String])
    case addComment(issue: Int, body: String)
    case closeIssue(issue: Int, comment: String?)
    case reopenIssue(issue: Int)
    /// `set` replaces all assignees; otherwise `add` and `remove` adjust them.
    case assignIssue(issue: Int, set: [String]?, add: [String], remove: [String])
    case labelIssue(issue: Int, add: [String], remove: [String])
    case mergePR(pr: Int, style: MergeStyle, headSHA: String?, deleteBranch: Bool)
    case show(number: Int)
    case status(keyPrefix: String)
    /// Read-only: issues (`pulls` false) or pull requests matching `filter`, newest first.
    case list(filter: IssueFilter, pulls: Bool)
    /// Read-only: the latest runs, of one workflow (file or name) when given.
    case runs(workflow: String?)
    /// Dispatches a workflow (file name or name) on `ref` (the default branch when nil) with `inputs`.
    case dispatchWorkflow(workflow: String, ref: String?, inputs: [String: String])
    /// Reruns the run with this number, or only its failed jobs.
    case rerunWorkflow(run: Int, failedOnly: Bool)
    /// Confirms (`accept`) or declines the command waiting with this code.
    case confirm(code: String, accept: Bool)
    /// Subscribes (`enable`) to, or unsubscribes from, webhook notices of these kinds (`issues`, `pulls`, …) on the
    /// command's repository; kept by the bot, not the Gate.
    case watch(kinds: [String], enable: Bool)
    /// Lists the operator's subscriptions.
    case watching

    /// The action this payload belongs to.
    public var action: GateAction {
        switch self {
        case .createIssue: return .createIssue
        case .addComment: return .addComment
        case .closeIssue: return .closeIssue
        case .reopenIssue: return .reopenIssue
        case .assignIssue: return .assignIssue
        case .labelIssue: return .labelIssue
        case .mergePR: return .mergePR
        case .show: return .show
        case .status: return .status
        case .list, .runs: return .list
        case .dispatchWorkflow: return .dispatchWorkflow
        case .rerunWorkflow: return .rerunWorkflow
        case .confirm: return .confirm
        case .watch, .watching: return .watch
        }
    }

    /// The issue or pull request number the command targets, if any.
    public var number: Int? {
        switch self {
        case .createIssue, .status, .list, .runs, .dispatchWorkflow, .rerunWorkflow, .confirm, .watch, .watching: return nil
        case .addComment(let issue, _), .closeIssue(let issue, _), .reopenIssue(let issue), .assignIssue(let issue, _, _, _),
            .labelIssue(let issue, _, _):
            return issue
        case .mergePR(let pr, _, _, _): return pr
        case .show(let number): return number
        }
    }
}
