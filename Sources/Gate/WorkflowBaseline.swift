import Foundation

/// What a workflow write saw on Gitea right before it, recorded in its ledger entry
/// (``Ledger/recordBaseline(id:value:)``) before the write is sent. Dispatches and reruns carry no gate key, so
/// a probe after a crash or a lost answer compares Gitea with this instead: an entry without a baseline never
/// reached its write.
enum WorkflowBaseline: Codable, Equatable, Sendable {
    /// Before dispatching `workflow` (a file name) on `ref`: the repository's newest run id (0 for none). A run of
    /// that workflow and ref with a higher id is the dispatch's (runs have no creation time in Gitea 1.26, and
    /// their inputs are not visible).
    case dispatch(newestRun: Int64, workflow: String, ref: String)
    /// Before rerunning a finished run: its jobs' highest attempt. A job attempted again, or no longer finished,
    /// is the rerun.
    case rerun(run: Int64, attempt: Int)

    var json: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    static func parse(_ json: String) -> WorkflowBaseline? { try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) }
}
