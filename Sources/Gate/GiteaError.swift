/// A failed Gitea call, typed by what an operator can do about it. `message` is Gitea's own `message` field.
public enum GiteaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 401: the token is missing, wrong or revoked.
    case unauthorized(message: String)
    /// 403: the bot's account may not do this here (or is blocked).
    case forbidden(message: String)
    /// 404: no such repository, issue or pull request, or the token cannot see a private repository; a closed PR
    /// also answers 404 to merge.
    case notFound(message: String)
    /// 405: merge refused (already merged, draft, not mergeable yet, protection rules, style not allowed).
    case notAllowed(message: String)
    /// 409: merge conflict, head moved (`head_commit_id` mismatch), or auto-merge already scheduled.
    case conflict(message: String)
    /// 412: a precondition failed (closing an issue with open dependencies, state change of a merged PR).
    case preconditionFailed(message: String)
    /// 400 or 422: Gitea rejected the request (unknown assignee, invalid field, a rerun of a run still going).
    case validation(message: String)
    /// 423: the repository is archived.
    case locked(message: String)
    /// 429 or 5xx: try again later.
    case unavailable(status: Int, message: String)
    /// Any other status.
    case unexpected(status: Int, message: String)
    /// No answer (connection refused, reset or timed out): the write may or may not have happened.
    case transport(String)

    /// Maps a non-2xx status and Gitea's error body.
    public static func from(status: Int, message: String) -> GiteaError {
        switch status {
        case 401: return .unauthorized(message: message)
        case 403: return .forbidden(message: message)
        case 404: return .notFound(message: message)
        case 405: return .notAllowed(message: message)
        case 409: return .conflict(message: message)
        case 412: return .preconditionFailed(message: message)
        case 400, 422: return .validation(message: message)
        case 423: return .locked(message: message)
        case 429, 500...599: return .unavailable(status: status, message: message)
        default: return .unexpected(status: status, message: message)
        }
    }

    /// Whether the request certainly changed nothing on Gitea (so the ledger may record `failed`).
    public var certainlyNotApplied: Bool {
        switch self {
        case .unauthorized, .forbidden, .notFound, .notAllowed, .conflict, .preconditionFailed, .validation, .locked: return true
        case .unavailable, .unexpected, .transport: return false
        }
    }

    public var description: String {
        func said(_ message: String) -> String { message.isEmpty ? "" : " (Gitea said: \(message))" }
        switch self {
        case .unauthorized(let m): return "Gitea refused the bot's token: check gitea.token_file or GITEA_TOKEN" + said(m)
        case .forbidden(let m): return "the Gitea account acting for you may not do this in this repository" + said(m)
        case .notFound(let m): return "not found: check the repository and number, and that the bot can see the repository" + said(m)
        case .notAllowed(let m): return "Gitea does not allow this merge now" + said(m)
        case .conflict(let m): return "conflict: the pull request cannot be merged as asked (conflicts, or its head moved)" + said(m)
        case .preconditionFailed(let m): return "a precondition failed (for example open dependencies)" + said(m)
        case .validation(let m): return "Gitea rejected the request" + said(m)
        case .locked(let m): return "the repository is archived" + said(m)
        case .unavailable(let status, let m): return "Gitea is unavailable (HTTP \(status)); the command will be retried or reconciled" + said(m)
        case .unexpected(let status, let m): return "Gitea answered HTTP \(status)" + said(m)
        case .transport(let detail): return "no answer from Gitea: \(detail)"
        }
    }
}
