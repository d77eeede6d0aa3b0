import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Repository and organisation labels, and adding or removing them on an issue.
    static func labelRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
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
                let (name, index) = try await labelledIssue(state, context, login: login)
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
                let (name, index) = try await labelledIssue(state, context, login: login)
                guard let id = Int64(try context.parameters.require("label")) else { throw Failure(status: .notFound, message: "label does not exist") }
                await state.update(name) { repo in repo.items[index]?.labels.removeAll { $0 == id } }
                await state.recordWrite("DELETE", "/repos/\(name)/issues/\(index)/labels/\(id)")
                return Response(status: .noContent)
            }
        }
    }

    /// The repository and issue a label change names, after Gitea's checks: the issue exists (404) and `login`
    /// may write to the repository (403).
    static func labelledIssue(_ state: GiteaSimulatorState, _ context: SimulatorContext, login: String) async throws -> (String, Int) {
        let name = try repository(context)
        let index = try number(context)
        guard let repo = await state.repo(name), repo.items[index] != nil else { throw Failure(status: .notFound, message: "issue does not exist") }
        guard repo.writers.contains(login.lowercased()) else { throw Failure(status: .forbidden, message: "no permission") }
        return (name, index)
    }
}
