import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Issue lists (filters, `q` with the indexing lag, `limit` capped at 50) and single issues.
    static func issueReadRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
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

        router.get("/api/v1/repos/:owner/:repo/issues/:number") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                guard let item = await state.item(name, try number(context)) else { throw Failure(status: .notFound, message: "issue does not exist") }
                return try json(await state.json(item, repository: name))
            }
        }
    }
}
