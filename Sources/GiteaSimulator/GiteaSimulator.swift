import Foundation
import Gate
import Hummingbird
import Logging
import NIOCore

/// A loopback HTTP server that speaks the part of Gitea 1.26's API the Gate uses, with Gitea's shapes and
/// status codes (PATCH → 201; merge 200/405/409; comment lists unpaged; labels as ids on create; `limit` capped at
/// 50; `q` over title and body with an optional indexing lag) and fault injection. For tests and `demo`.
public enum GiteaSimulator {
    /// Runs until the task is cancelled. `onPort` receives the bound port.
    public static func run(state: GiteaSimulatorState, port: Int = 0, logger: Logger,
                           onPort: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: SimulatorContext.self)
        routes(router, state)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in
                                  let port = channel.localAddress?.port ?? 0
                                  await state.bound(port: port)
                                  await onPort(port)
                              }, logger: logger)
        // No signal handlers: the embedding process owns SIGTERM and SIGINT; the server stops when its task is cancelled.
        try await app.runService(gracefulShutdownSignals: [])
    }

    /// The request context: Hummingbird's basics plus the channel, so a fault can drop the connection.
    public struct SimulatorContext: RequestContext {
        public var coreContext: CoreRequestContextStorage
        let channel: any Channel
        public init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            channel = source.channel
        }
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    struct Failure: Error { let status: HTTPResponse.Status; let message: String }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        struct Body: Encodable { let message: String; let url: String }
        return (try? json(Body(message: message, url: "https://docs.gitea.com/api"), status: status)) ?? Response(status: status)
    }

    /// Authenticates, applies faults, and maps thrown ``Failure``s to Gitea's error body.
    static func handle(_ state: GiteaSimulatorState, _ request: Request, _ context: SimulatorContext, write: Bool,
                       _ body: @escaping @Sendable (String) async throws -> Response) async -> Response {
        let header = request.headers[.authorization] ?? ""
        let parts = header.split(separator: " ")
        let token = parts.count == 2 && parts[0] == "token" ? String(parts[1]) : nil
        switch await state.nextFault(write: write) {
        case .fail500, .fail500AtRequest, .fail500OnWrite: return error(.internalServerError, "simulated failure")
        case .stallAfterCommit(let seconds):
            guard let login = await state.login(token: token) else { return error(.unauthorized, "token is required") }
            let response = await run(body, login)
            await state.holding(1)
            try? await Task.sleep(for: .seconds(seconds))
            await state.holding(-1)
            return response
        case .dropAfterCommit:
            guard let login = await state.login(token: token) else { return error(.unauthorized, "token is required") }
            _ = await run(body, login)
            // The write is committed; the client sees the connection close with no response.
            try? await context.channel.close()
            return Response(status: .internalServerError)
        case .delay(let seconds):
            try? await Task.sleep(for: .seconds(seconds))
        case nil: break
        }
        guard let login = await state.login(token: token) else { return error(.unauthorized, "token is required") }
        return await run(body, login)
    }

    private static func run(_ body: @Sendable (String) async throws -> Response, _ login: String) async -> Response {
        do { return try await body(login) } catch let failure as Failure {
            return error(failure.status, failure.message)
        } catch {
            return Self.error(.unprocessableContent, "\(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        do { return try JSONDecoder().decode(T.self, from: Data(buffer: buffer)) } catch {
            throw Failure(status: .unprocessableContent, message: "[]: json: cannot unmarshal request body")
        }
    }

    static func repository(_ context: SimulatorContext) throws -> String {
        "\(try context.parameters.require("owner"))/\(try context.parameters.require("repo"))"
    }

    static func number(_ context: SimulatorContext) throws -> Int {
        guard let number = Int(try context.parameters.require("number")) else { throw Failure(status: .notFound, message: "not found") }
        return number
    }

    // swiftlint:disable:next function_body_length
    static func routes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/user") { request, context in
            await handle(state, request, context, write: false) { login in try json(await state.user(login)) }
        }

        router.get("/api/v1/repos/:owner/:repo") { request, context in
            await handle(state, request, context, write: false) { login in
                guard let view = await state.repositoryView(try repository(context), login: login) else { throw Failure(status: .notFound, message: "The target couldn't be found.") }
                return try json(view)
            }
        }

        router.get("/api/v1/users/:name") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try context.parameters.require("name")
                guard await state.ownerExists(name) else { throw Failure(status: .notFound, message: "user redirect does not exist [name: \(name.lowercased())]") }
                return try json(await state.user(name))
            }
        }

        router.get("/api/v1/repos/:owner/:repo/issues") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                guard await state.repo(name) != nil else { throw Failure(status: .notFound, message: "repository does not exist") }
                let query = request.uri.queryParameters
                let stateFilter = query["state"].map(String.init) ?? "open"
                let type = query["type"].map(String.init)
                let createdBy = query["created_by"].map(String.init)
                let since = query["since"].flatMap { ISO8601DateFormatter().date(from: String($0)) }
                let q = query["q"].map(String.init)
                let limit = min(50, max(1, query["limit"].flatMap { Int($0) } ?? 30))
                let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
                let lag = await state.indexLag
                var items = await state.items(name).sorted { $0.number > $1.number }
                items = items.filter { item in
                    (stateFilter == "all" || item.state == stateFilter)
                        && (type == nil || (type == "issues") == (item.pull == nil))
                        && (createdBy == nil || item.author.lowercased() == createdBy!.lowercased())
                        && (since == nil || item.updatedAt >= since!)
                        && (q == nil || ((item.title + "\n" + item.body).localizedCaseInsensitiveContains(q!) && Date().timeIntervalSince(item.createdAt) >= lag))
                }
                let slice = items.dropFirst((page - 1) * limit).prefix(limit)
                var result: [GiteaIssue] = []
                for item in slice { result.append(await state.json(item, repository: name)) }
                return try json(result)
            }
        }

        struct CreateIssue: Decodable { let title: String; let body: String?; let labels: [Int64]?; let assignees: [String]? }
        router.post("/api/v1/repos/:owner/:repo/issues") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                guard let repo = await state.repo(name) else { throw Failure(status: .notFound, message: "repository does not exist") }
                let input = try await decode(CreateIssue.self, request)
                guard !input.title.isEmpty else { throw Failure(status: .unprocessableContent, message: "Title: Required") }
                let canWrite = repo.writers.contains(login.lowercased())
                for assignee in input.assignees ?? [] where !(await state.userExists(assignee)) {
                    throw Failure(status: .unprocessableContent, message: "Assignee does not exist: [name: \(assignee)]")
                }
                let known = Set(await state.allLabels(name).map(\.id))
                let id = await state.newID()
                var created: GiteaSimulatorState.Item?
                await state.update(name) { repo in
                    let number = repo.nextNumber
                    repo.nextNumber += 1
                    // Without write access Gitea silently drops labels and assignees.
                    let item = GiteaSimulatorState.Item(id: id, number: number, title: input.title, body: input.body ?? "", author: login,
                                                        assignees: canWrite ? (input.assignees ?? []) : [],
                                                        labels: canWrite ? (input.labels ?? []).filter(known.contains) : [],
                                                        createdAt: Date(), updatedAt: Date())
                    repo.items[number] = item
                    created = item
                }
                await state.recordWrite("POST", "/repos/\(name)/issues")
                return try json(await state.json(created!, repository: name), status: .created)
            }
        }

        router.get("/api/v1/repos/:owner/:repo/issues/:number") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                guard let item = await state.item(name, try number(context)) else { throw Failure(status: .notFound, message: "issue does not exist") }
                return try json(await state.json(item, repository: name))
            }
        }

        struct EditIssue: Decodable { let state: String?; let assignees: [String]? }
        router.patch("/api/v1/repos/:owner/:repo/issues/:number") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                let index = try number(context)
                guard let repo = await state.repo(name), let item = repo.items[index] else { throw Failure(status: .notFound, message: "issue does not exist") }
                let input = try await decode(EditIssue.self, request)
                let canWrite = repo.writers.contains(login.lowercased())
                guard canWrite || item.author.lowercased() == login.lowercased() else { throw Failure(status: .forbidden, message: "no permission") }
                if let newState = input.state, item.pull?.merged == true, newState != item.state {
                    throw Failure(status: .preconditionFailed, message: "cannot change state of a merged pull request")
                }
                for assignee in input.assignees ?? [] where !(await state.userExists(assignee)) {
                    throw Failure(status: .unprocessableContent, message: "Assignee does not exist: [name: \(assignee)]")
                }
                await state.update(name) { repo in
                    if let newState = input.state { repo.items[index]?.state = newState }
                    if let assignees = input.assignees, canWrite { repo.items[index]?.assignees = assignees }
                    repo.items[index]?.updatedAt = Date()
                }
                await state.recordWrite("PATCH", "/repos/\(name)/issues/\(index)")
                return try json(await state.json(await state.item(name, index)!, repository: name), status: .created)
            }
        }

        router.get("/api/v1/repos/:owner/:repo/issues/:number/comments") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                // Gitea answers 500 for an unknown issue here (the lookup error is not mapped).
                guard let item = await state.item(name, try number(context)) else { throw Failure(status: .internalServerError, message: "issue does not exist") }
                let since = request.uri.queryParameters["since"].flatMap { ISO8601DateFormatter().date(from: String($0)) }
                let comments = item.comments.filter { comment in
                    since.map { since in ISO8601DateFormatter().date(from: comment.created_at).map { $0 >= since } ?? true } ?? true
                }
                return try json(comments)
            }
        }

        struct CreateComment: Decodable { let body: String }
        router.post("/api/v1/repos/:owner/:repo/issues/:number/comments") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                let index = try number(context)
                guard await state.item(name, index) != nil else { throw Failure(status: .internalServerError, message: "issue does not exist") }
                let input = try await decode(CreateComment.self, request)
                let id = await state.newID()
                let kind = await state.item(name, index)?.pull == nil ? "issues" : "pulls"
                let base = await state.baseURL
                let comment = GiteaComment(id: id, body: input.body, html_url: "\(base)/\(name)/\(kind)/\(index)#issuecomment-\(id)",
                                           user: await state.user(login), created_at: timestamp(Date()))
                await state.update(name) { repo in
                    repo.items[index]?.comments.append(comment)
                    repo.items[index]?.updatedAt = Date()
                }
                await state.recordWrite("POST", "/repos/\(name)/issues/\(index)/comments")
                return try json(comment, status: .created)
            }
        }

        router.get("/api/v1/repos/:owner/:repo/labels") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                guard let repo = await state.repo(name) else { throw Failure(status: .notFound, message: "repository does not exist") }
                let query = request.uri.queryParameters
                let limit = min(50, max(1, query["limit"].flatMap { Int($0) } ?? 30))
                let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
                return try json(Array(repo.labels.dropFirst((page - 1) * limit).prefix(limit)))
            }
        }

        router.get("/api/v1/orgs/:org/labels") { request, context in
            await handle(state, request, context, write: false) { _ in
                guard let labels = await state.organisationLabels(try context.parameters.require("org")) else {
                    throw Failure(status: .notFound, message: "organization does not exist")
                }
                let query = request.uri.queryParameters
                let limit = min(50, max(1, query["limit"].flatMap { Int($0) } ?? 30))
                let page = max(1, query["page"].flatMap { Int($0) } ?? 1)
                return try json(Array(labels.dropFirst((page - 1) * limit).prefix(limit)))
            }
        }

        struct LabelIDs: Decodable { let labels: [Int64] }
        router.post("/api/v1/repos/:owner/:repo/issues/:number/labels") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                let index = try number(context)
                guard let repo = await state.repo(name), repo.items[index] != nil else { throw Failure(status: .notFound, message: "issue does not exist") }
                guard repo.writers.contains(login.lowercased()) else { throw Failure(status: .forbidden, message: "no permission") }
                let input = try await decode(LabelIDs.self, request)
                let known = Set(await state.allLabels(name).map(\.id))
                await state.update(name) { repo in
                    for id in input.labels where known.contains(id) && !(repo.items[index]?.labels.contains(id) ?? true) {
                        repo.items[index]?.labels.append(id)
                    }
                }
                await state.recordWrite("POST", "/repos/\(name)/issues/\(index)/labels")
                return try json(await state.json(await state.item(name, index)!, repository: name).labels ?? [])
            }
        }

        router.delete("/api/v1/repos/:owner/:repo/issues/:number/labels/:label") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                let index = try number(context)
                guard let repo = await state.repo(name), repo.items[index] != nil else { throw Failure(status: .notFound, message: "issue does not exist") }
                guard repo.writers.contains(login.lowercased()) else { throw Failure(status: .forbidden, message: "no permission") }
                guard let id = Int64(try context.parameters.require("label")) else { throw Failure(status: .notFound, message: "label does not exist") }
                await state.update(name) { repo in repo.items[index]?.labels.removeAll { $0 == id } }
                await state.recordWrite("DELETE", "/repos/\(name)/issues/\(index)/labels/\(id)")
                return Response(status: .noContent)
            }
        }

        router.get("/api/v1/repos/:owner/:repo/pulls/:number") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                let index = try number(context)
                guard let item = await state.item(name, index), let pull = item.pull else { throw Failure(status: .notFound, message: "pull request does not exist") }
                let base = await state.baseURL
                return try json(GiteaPullRequest(number: index, title: item.title, state: item.state, merged: pull.merged, mergeable: pull.mergeable,
                                                 draft: pull.draft, head: .init(ref: pull.headRef, sha: pull.headSHA),
                                                 html_url: "\(base)/\(name)/pulls/\(index)"))
            }
        }

        struct Merge: Decodable { let Do: String; let head_commit_id: String?; let delete_branch_after_merge: Bool? }
        router.post("/api/v1/repos/:owner/:repo/pulls/:number/merge") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                let index = try number(context)
                guard let repo = await state.repo(name), let item = repo.items[index], let pull = item.pull else {
                    throw Failure(status: .notFound, message: "pull request does not exist")
                }
                let input = try await decode(Merge.self, request)
                guard item.state == "open" || pull.merged else { throw Failure(status: .notFound, message: "pull request is closed") }
                guard repo.writers.contains(login.lowercased()) else { throw Failure(status: .methodNotAllowed, message: "User not allowed to merge PR") }
                guard !pull.merged else { throw Failure(status: .methodNotAllowed, message: "PR already merged") }
                guard !pull.draft else { throw Failure(status: .methodNotAllowed, message: "The PR is a work in progress") }
                guard pull.mergeable else { throw Failure(status: .methodNotAllowed, message: "Please try again later") }
                guard MergeStyle(rawValue: input.Do) != nil else { throw Failure(status: .unprocessableContent, message: "Do: invalid") }
                if let expected = input.head_commit_id, !pull.headSHA.hasPrefix(expected.lowercased()) {
                    throw Failure(status: .conflict, message: "head out of date")
                }
                await state.update(name) { repo in
                    repo.items[index]?.pull?.merged = true
                    repo.items[index]?.state = "closed"
                    repo.items[index]?.updatedAt = Date()
                }
                await state.recordWrite("POST", "/repos/\(name)/pulls/\(index)/merge")
                return Response(status: .ok)
            }
        }
    }
}
