import CoreMetrics
import Encoding
import Foundation
import Logging

/// Gitea's REST API over a ``GiteaTransport`` (async-http-client in the bot).
///
/// The token goes in `Authorization: token …` and is never logged. Any 2xx is success (Gitea answers PATCH with
/// 201). Reads are retried with backoff on 429/5xx and transport errors; writes are never retried here: the
/// Gate probes before it writes again.
public final class GiteaClient: Forge {
    public let baseURL: URL
    private let token: String
    /// The login every request acts as (`Sudo:`; Gitea accepts it from a site administrator's token only).
    public let sudo: String?
    private let transport: any GiteaTransport
    private let timeout: Duration
    private let logger: Logger
    /// Gitea's cap on `limit`.
    public static let pageSize = 50

    /// A client on `transport` (the bot's ``AsyncHTTPGiteaTransport`` by default); `timeout` bounds each request.
    /// - Parameter sudo: act as this login (the token must be a site administrator's).
    public init(
        baseURL: URL, token: String, sudo: String? = nil, transport: any GiteaTransport = AsyncHTTPGiteaTransport(),
        timeout: Duration = .seconds(15), logger: Logger
    ) {
        (self.baseURL, self.token, self.sudo, self.transport, self.timeout, self.logger) = (baseURL, token, sudo, transport, timeout, logger)
    }

    enum Method: String {
        case get = "GET"
        case post = "POST"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    private struct Empty: Codable {}

    /// One request. `path` is below `/api/v1`.
    func send(_ method: Method, _ path: String, query: [(String, String)] = [], body: (any Encodable & Sendable)? = nil)
        async throws(GiteaError) -> (Data, Int)
    {
        let response = try await exchange(method, path, query: query, body: body)
        return (response.body, response.status)
    }

    /// One request, answered with the whole response (lists read `X-Total-Count`).
    func exchange(_ method: Method, _ path: String, query: [(String, String)] = [], body: (any Encodable & Sendable)? = nil)
        async throws(GiteaError) -> GiteaHTTPResponse
    {
        var components = URLComponents(url: baseURL.appendingPathComponent("api/v1" + path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        var request = GiteaHTTPRequest(
            method: method.rawValue, url: components.url!, headers: [("Authorization", "token \(token)"), ("Accept", "application/json")],
            body: nil, timeout: timeout)
        if let sudo { request.headers.append(("Sudo", sudo)) }
        if let body {
            request.headers.append(("Content-Type", "application/json"))
            do { request.body = try JSONEncoder().encode(body) } catch { throw .transport("cannot encode request: \(error)") }
        }
        let attempts = method == .get ? 3 : 1
        var lastError = GiteaError.transport("no attempt")
        for attempt in 1...attempts {
            let started = ContinuousClock.now
            do {
                let response = try await transport.exchange(request)
                record(method, path, status: response.status, elapsed: ContinuousClock.now - started)
                if (200..<300).contains(response.status) { return response }
                lastError = .from(status: response.status, message: Self.errorMessage(body: response.body))
            } catch {
                lastError = .transport("\(error)")
            }
            guard attempt < attempts, !lastError.certainlyNotApplied else { break }
            try? await Task.sleep(for: .milliseconds(200 << (attempt - 1)))
        }
        throw lastError
    }

    /// The request's duration in the metrics, and a debug line.
    private func record(_ method: Method, _ path: String, status: Int, elapsed: Duration) {
        let nanoseconds = elapsed.inNanoseconds
        Timer(label: "operator_gate_gitea_request_duration_seconds", dimensions: [("method", method.rawValue), ("status", String(status))])
            .recordNanoseconds(nanoseconds)
        logger.debug(
            "gitea",
            metadata: ["method": "\(method.rawValue)", "path": "\(path)", "status": "\(status)", "ms": "\(Double(nanoseconds) / 1e6)"])
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(GiteaError) -> T {
        try Self.decodeResponse(type, data)
    }

    /// The text of a Gitea error body (`{"message": …}`, or the body itself), at most 300 bytes: it goes into
    /// logs and into the operator's answer.
    public static func errorMessage(body: Data) -> String {
        let message = (try? JSONDecoder().decode(GiteaAPIError.self, from: body))?.message ?? String(decoding: body.prefix(300), as: UTF8.self)
        return message.utf8Prefix(300)
    }

    /// How every Gitea response body is read: a shape other than `T` is an error naming `T`, never a crash.
    public static func decodeResponse<T: Decodable>(_ type: T.Type, _ data: Data) throws(GiteaError) -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw .unexpected(status: 200, message: "unexpected response shape for \(T.self)")
        }
    }

    func path(_ repository: Repository, _ rest: String = "") -> String {
        "/repos/\(repository.owner)/\(repository.name)" + rest
    }

    // MARK: Calls

    /// The token's user (the bot's login).
    public func currentUser() async throws(GiteaError) -> GiteaUser {
        try decode(GiteaUser.self, try await send(.get, "/user").0)
    }

    /// The repository with the token user's permissions on it.
    public func repository(_ repository: Repository) async throws(GiteaError) -> GiteaRepository {
        try decode(GiteaRepository.self, try await send(.get, path(repository)).0)
    }

    /// A user or organisation by name.
    public func user(named name: String) async throws(GiteaError) -> GiteaUser {
        try decode(GiteaUser.self, try await send(.get, "/users/\(name)").0)
    }

    public func issue(_ repository: Repository, _ number: Int) async throws(GiteaError) -> GiteaIssue {
        try decode(GiteaIssue.self, try await send(.get, path(repository, "/issues/\(number)")).0)
    }

    /// One page of issues (not PRs), any state, optionally by creator and updated since.
    public func issues(_ repository: Repository, createdBy: String?, since: String?, query: String?, page: Int) async throws(GiteaError)
        -> [GiteaIssue]
    {
        var items: [(String, String)] = [("state", "all"), ("type", "issues"), ("page", "\(page)"), ("limit", "\(Self.pageSize)")]
        if let createdBy { items.append(("created_by", createdBy)) }
        if let since { items.append(("since", since)) }
        if let query { items.append(("q", query)) }
        return try decode([GiteaIssue].self, try await send(.get, path(repository, "/issues"), query: items).0)
    }

    struct CreateIssue: Encodable, Sendable {
        let title: String
        let body: String
        let labels: [Int64]
        let assignees: [String]
    }
    public func createIssue(_ repository: Repository, title: String, body: String, labels: [Int64], assignees: [String]) async throws(GiteaError)
        -> GiteaIssue
    {
        try decode(
            GiteaIssue.self,
            try await send(
                .post, path(repository, "/issues"),
                body: CreateIssue(title: title, body: body, labels: labels, assignees: assignees)
            ).0)
    }

    struct EditIssue: Encodable, Sendable {
        let state: IssueState?
        let assignees: [String]?
    }
    /// PATCH (Gitea answers 201).
    public func editIssue(_ repository: Repository, _ number: Int, state: IssueState?, assignees: [String]?) async throws(GiteaError) -> GiteaIssue {
        try decode(
            GiteaIssue.self, try await send(.patch, path(repository, "/issues/\(number)"), body: EditIssue(state: state, assignees: assignees)).0)
    }

    /// All comments of an issue (this endpoint is not paged), optionally updated since.
    public func comments(_ repository: Repository, _ number: Int, since: String?) async throws(GiteaError) -> [GiteaComment] {
        try decode(
            [GiteaComment].self,
            try await send(
                .get, path(repository, "/issues/\(number)/comments"),
                query: since.map { [("since", $0)] } ?? []
            ).0)
    }

    struct CreateComment: Encodable, Sendable { let body: String }
    public func createComment(_ repository: Repository, _ number: Int, body: String) async throws(GiteaError) -> GiteaComment {
        try decode(GiteaComment.self, try await send(.post, path(repository, "/issues/\(number)/comments"), body: CreateComment(body: body)).0)
    }

    /// Every label of the repository, and of its owner when the owner is an organisation (paged through).
    public func labels(_ repository: Repository) async throws(GiteaError) -> (repository: [GiteaLabel], organisation: [GiteaLabel]) {
        let own = try await Self.allPages { page throws(GiteaError) in
            try decode(
                [GiteaLabel].self, try await send(.get, path(repository, "/labels"), query: [("page", "\(page)"), ("limit", "\(Self.pageSize)")]).0)
        }
        var organisation: [GiteaLabel] = []
        do {
            organisation = try await Self.allPages { page throws(GiteaError) in
                try decode(
                    [GiteaLabel].self,
                    try await send(.get, "/orgs/\(repository.owner)/labels", query: [("page", "\(page)"), ("limit", "\(Self.pageSize)")]).0)
            }
        } catch .notFound {
            // A user-owned repository has no organisation labels.
        }
        return (own, organisation)
    }

    struct LabelIDs: Encodable, Sendable { let labels: [Int64] }
    public func addLabels(_ repository: Repository, _ number: Int, ids: [Int64]) async throws(GiteaError) -> [GiteaLabel] {
        try decode([GiteaLabel].self, try await send(.post, path(repository, "/issues/\(number)/labels"), body: LabelIDs(labels: ids)).0)
    }

    public func removeLabel(_ repository: Repository, _ number: Int, id: Int64) async throws(GiteaError) {
        _ = try await send(.delete, path(repository, "/issues/\(number)/labels/\(id)"))
    }

    public func pullRequest(_ repository: Repository, _ number: Int) async throws(GiteaError) -> GiteaPullRequest {
        try decode(GiteaPullRequest.self, try await send(.get, path(repository, "/pulls/\(number)")).0)
    }

    struct Merge: Encodable, Sendable {
        let Do: String
        let head_commit_id: String?
        let delete_branch_after_merge: Bool
    }
    /// Merges; returns the HTTP status (200 merged, 201 scheduled).
    public func merge(_ repository: Repository, _ number: Int, style: MergeStyle, headSHA: String?, deleteBranch: Bool) async throws(GiteaError)
        -> Int
    {
        try await send(
            .post, path(repository, "/pulls/\(number)/merge"),
            body: Merge(Do: style.rawValue, head_commit_id: headSHA, delete_branch_after_merge: deleteBranch)
        ).1
    }

    /// Every page of a list Gitea pages by ``pageSize``, until a short page (at most 1,000 pages).
    public static func allPages<T>(_ fetch: (Int) async throws(GiteaError) -> [T]) async throws(GiteaError) -> [T] {
        var all: [T] = []
        for page in 1...1000 {
            let items = try await fetch(page)
            all += items
            if items.count < Self.pageSize { break }
        }
        return all
    }
}
