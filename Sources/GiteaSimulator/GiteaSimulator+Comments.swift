import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// An issue's comments (unpaged, `since`) and new comments.
    static func commentRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/issues/:number/comments") { request, context in
            await handle(state, request, context, write: false) { _ in
                let since = request.uri.queryParameters["since"].flatMap { ISO8601DateFormatter().date(from: String($0)) }
                return try json(try await state.commentsOrFail(try repository(context), try number(context), since: since))
            }
        }

        struct CreateComment: Decodable { let body: String }
        router.post("/api/v1/repos/:owner/:repo/issues/:number/comments") { request, context in
            await handle(state, request, context, write: true) { login in
                // Gitea answers 500 for an unknown issue here (the lookup error is not mapped).
                let (name, index) = try await existingIssue(state, context, status: 500)
                let input = try await decode(CreateComment.self, request)
                return try json(try await state.createComment(name, index, login: login, body: input.body), status: .created)
            }
        }
    }
}
