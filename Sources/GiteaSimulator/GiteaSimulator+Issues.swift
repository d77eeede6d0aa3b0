import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Issue lists (filters, `q` with the indexing lag, `limit` capped at 50) and single issues.
    static func issueReadRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/issues") { request, context in
            await handle(state, request, context, write: false) { _ in
                let parameters = request.uri.queryParameters
                var query = GiteaSimulatorState.IssueQuery()
                query.state = parameters["state"].map(String.init) ?? "open"
                query.type = parameters["type"].map(String.init)
                query.createdBy = parameters["created_by"].map(String.init)
                query.since = parameters["since"].flatMap { ISO8601DateFormatter().date(from: String($0)) }
                query.q = parameters["q"].map(String.init)
                query.labels = parameters["labels"].map { $0.split(separator: ",").map(String.init) } ?? []
                query.assignedTo = parameters["assigned_by"].map(String.init)
                query.limit = parameters["limit"].flatMap { Int($0) } ?? 30
                query.page = parameters["page"].flatMap { Int($0) } ?? 1
                let (items, total) = try await state.listIssuesCounted(try repository(context), query)
                var response = try json(items)
                response.headers[.init("X-Total-Count")!] = String(total)
                return response
            }
        }

        router.get("/api/v1/repos/:owner/:repo/issues/:number") { request, context in
            await handle(state, request, context, write: false) { _ in
                try json(try await state.issueOrFail(try repository(context), try number(context)))
            }
        }
    }
}
