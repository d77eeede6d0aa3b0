import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// An issue's comments (unpaged, `since`) and new comments.
    static func commentRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/issues/:number/comments") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                // Gitea answers 500 for an unknown issue here (the lookup error is not mapped).
                guard let item = await state.item(name, try number(context)) else { throw Failure(status: .internalServerError, message: "issue does not exist") }
                let since = request.uri.queryParameters["since"].flatMap { ISO8601DateFormatter().date(from: String($0)) }
                let comments = item.comments.filter { comment in
                    since.map { since in ISO8601DateFormatter().date(from: comment.createdAt).map { $0 >= since } ?? true } ?? true
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
                let comment = GiteaComment(id: id, body: input.body, htmlURL: "\(base)/\(name)/\(kind)/\(index)#issuecomment-\(id)",
                                           user: await state.user(login), createdAt: timestamp(Date()))
                await state.update(name) { repo in
                    repo.items[index]?.comments.append(comment)
                    repo.items[index]?.updatedAt = Date()
                }
                await state.recordWrite("POST", "/repos/\(name)/issues/\(index)/comments")
                return try json(comment, status: .created)
            }
        }
    }
}
