import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Repository and organisation labels, and adding or removing them on an issue.
    static func labelRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/labels") { request, context in
            await handle(state, request, context, write: false) { _ in
                let (limit, page) = paging(request)
                return try json(try await state.repositoryLabels(try repository(context), limit: limit, page: page))
            }
        }

        router.get("/api/v1/orgs/:org/labels") { request, context in
            await handle(state, request, context, write: false) { _ in
                let (limit, page) = paging(request)
                return try json(try await state.organisationLabels(try context.parameters.require("org"), limit: limit, page: page))
            }
        }

        struct LabelIDs: Decodable { let labels: [Int64] }
        router.post("/api/v1/repos/:owner/:repo/issues/:number/labels") { request, context in
            await handle(state, request, context, write: true) { login in
                let (name, index) = try await existingIssue(state, context)
                let input = try await decode(LabelIDs.self, request)
                return try json(try await state.addLabels(name, index, login: login, ids: input.labels))
            }
        }

        router.delete("/api/v1/repos/:owner/:repo/issues/:number/labels/:label") { request, context in
            await handle(state, request, context, write: true) { login in
                let (name, index) = try await existingIssue(state, context)
                guard let id = Int64(try context.parameters.require("label")) else {
                    throw SimulatorFailure(status: 404, message: "label does not exist")
                }
                try await state.removeLabel(name, index, login: login, id: id)
                return Response(status: .noContent)
            }
        }
    }

    /// `limit` (default 30) and `page` (default 1) of a list request.
    static func paging(_ request: Request) -> (limit: Int, page: Int) {
        let query = request.uri.queryParameters
        return (query["limit"].flatMap { Int($0) } ?? 30, query["page"].flatMap { Int($0) } ?? 1)
    }
}
