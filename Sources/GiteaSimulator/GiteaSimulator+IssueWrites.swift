import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Creating issues (labels as ids, assignees Gitea drops silently without write access) and editing them.
    static func issueWriteRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
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
    }
}
