/// What a command asks the Gate to do.
public enum GateAction: String, Sendable, Codable, CaseIterable {
    case createIssue = "create_issue"
    case addComment = "add_comment"
    case closeIssue = "close_issue"
    case reopenIssue = "reopen_issue"
    case assignIssue = "assign_issue"
    case labelIssue = "label_issue"
    case mergePR = "merge_pr"
    /// Read-only: an issue's or pull request's state.
    case show
    /// Read-only: a ledger lookup.
    case status
    /// Read-only: lists of issues, pull requests and workflow runs.
    case list
    /// Runs a Gitea Actions workflow (`workflow_dispatch`).
    case dispatchWorkflow = "dispatch_workflow"
    /// Reruns a workflow run, or its failed jobs.
    case rerunWorkflow = "rerun_workflow"
    /// `yes CODE` / `no CODE`: settles a command that waited for its operator's confirmation (always allowed: the
    /// confirmed command's own action was checked when it was previewed).
    case confirm
    /// `watch`, `unwatch`, `watching`: the operator's subscriptions to webhook notices, kept by the bot.
    case watch

    /// Whether the action writes to Gitea (and so goes through the ledger).
    public var writes: Bool { ![.show, .status, .list, .confirm, .watch].contains(self) }
}

/// How a pull request is merged (Gitea's `Do` values).
public enum MergeStyle: String, Sendable, Codable, CaseIterable {
    case merge
    case rebase
    case rebaseMerge = "rebase-merge"
    case squash
    case fastForwardOnly = "fast-forward-only"
}
