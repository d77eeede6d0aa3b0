/// A rule refused the command before anything was written to Gitea.
public enum GateRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownLabel(String, known: [String])
    case ambiguousLabel(String, ids: [Int64])
    case pullRequestClosed(Int)
    case pullRequestDraft(Int)
    case notMergeable(Int)
    case headMoved(expected: String, actual: String)
    case notAPullRequest(Int)
    case unknownWorkflow(String, known: [String])
    case ambiguousWorkflow(String, files: [String])
    case unknownRun(Int)
    case runNotFinished(Int, status: String)
    case noFailedJobs(Int)
    case noDefaultBranch
    case alreadyMerged(Int)

    public var description: String {
        switch self {
        case .unknownLabel(let name, let known):
            return "no label \"\(name)\" in this repository" + (known.isEmpty ? "" : "; known: " + known.prefix(15).joined(separator: ", "))
        case .ambiguousLabel(let name, let ids):
            return "label \"\(name)\" is ambiguous (\(ids.count) labels match: ids \(ids.map(String.init).joined(separator: ", ")))"
        case .pullRequestClosed(let n): return "pull request !\(n) is closed without being merged"
        case .pullRequestDraft(let n): return "pull request !\(n) is a draft"
        case .notMergeable(let n): return "Gitea reports pull request !\(n) is not mergeable (conflicts or checks pending)"
        case .headMoved(let expected, let actual):
            return "the pull request's head moved: you expected \(expected.prefix(12)), it is now \(actual.prefix(12))"
        case .notAPullRequest(let n): return "#\(n) is not a pull request"
        case .unknownWorkflow(let name, let known):
            return "no workflow \"\(name)\" on the default branch"
                + (known.isEmpty ? " (the repository has none)" : "; known: " + known.prefix(15).joined(separator: ", "))
        case .ambiguousWorkflow(let name, let files):
            return "\"\(name)\" names \(files.count) workflows (\(files.joined(separator: ", "))): give the file name"
        case .unknownRun(let n): return "no workflow run #\(n) in this repository"
        case .runNotFinished(let n, let status):
            return "run #\(n) is still \(status.replacingOccurrences(of: "_", with: " ")): rerun it once it has finished"
        case .noFailedJobs(let n): return "run #\(n) has no failed jobs to rerun"
        case .alreadyMerged(let n): return "pull request !\(n) is already merged"
        case .noDefaultBranch: return "Gitea names no default branch for this repository: give a ref, e.g. run deploy.yml main"
        }
    }
}
