import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Creating issues (labels as ids, assignees Gitea drops silently without write access) and editing them.
    static func issueWriteRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        struct CreateIssue: Decodable {
            let title: String
            let body: String?
            let labels: [Int64]?
            let assignees: [String]?
        }
        router.post("/api/v1/repos/:owner/:repo/issues") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                guard await state.repo(name) != nil else { throw SimulatorFailure(status: 404, message: "repository does not exist") }
                let input = try await decode(CreateIssue.self, request)
                return try json(
                    try await state.createIssue(
                        name, login: login, title: input.title, body: input.body, labels: input.labels,
                        assignees: input.assignees), status: .created)
            }
        }

        struct EditIssue: Decodable {
            let state: String?
            let assignees: [String]?
        }
        router.patch("/api/v1/repos/:owner/:repo/issues/:number") { request, context in
            await handle(state, request, context, write: true) { login in
                let (name, index) = try await existingIssue(state, context)
                let input = try await decode(EditIssue.self, request)
                return try json(
                    try await state.editIssue(name, index, login: login, state: input.state, assignees: input.assignees), status: .created)
            }
        }
    }
}
