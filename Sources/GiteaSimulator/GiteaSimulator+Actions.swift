import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Gitea Actions: workflows, dispatch (204, or 200 with the run's details), runs, jobs and reruns.
    static func actionRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/actions/workflows") { request, context in
            await handle(state, request, context, write: false) { _ in try json(try await state.workflowsOrFail(try repository(context))) }
        }

        struct Dispatch: Decodable {
            let ref: String
            let inputs: [String: String]?
        }
        router.post("/api/v1/repos/:owner/:repo/actions/workflows/:workflow/dispatches") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                let workflow = try context.parameters.require("workflow")
                let input = try await decode(Dispatch.self, request)
                let details = try await state.dispatch(name, workflow: workflow, ref: input.ref, login: login)
                let wantsDetails = request.uri.queryParameters["return_run_details"].map { $0 == "true" } ?? false
                return wantsDetails ? try json(details) : Response(status: .noContent)
            }
        }

        router.get("/api/v1/repos/:owner/:repo/actions/runs") { request, context in
            await handle(state, request, context, write: false) { _ in
                let parameters = request.uri.queryParameters
                let (limit, page) = paging(request)
                return try json(
                    try await state.runsOrFail(
                        try repository(context), event: parameters["event"].map(String.init), status: parameters["status"].map(String.init),
                        limit: limit, page: page))
            }
        }

        router.get("/api/v1/repos/:owner/:repo/actions/runs/:run") { request, context in
            await handle(state, request, context, write: false) { _ in
                try json(try await state.runOrFail(try repository(context), id: try run(context)))
            }
        }

        router.get("/api/v1/repos/:owner/:repo/actions/runs/:run/jobs") { request, context in
            await handle(state, request, context, write: false) { _ in
                try json(try await state.jobsOrFail(try repository(context), run: try run(context)))
            }
        }

        router.post("/api/v1/repos/:owner/:repo/actions/runs/:run/rerun") { request, context in
            await handle(state, request, context, write: true) { login in
                try json(try await state.rerun(try repository(context), run: try run(context), failedOnly: false, login: login), status: .created)
            }
        }

        router.post("/api/v1/repos/:owner/:repo/actions/runs/:run/rerun-failed-jobs") { request, context in
            await handle(state, request, context, write: true) { login in
                _ = try await state.rerun(try repository(context), run: try run(context), failedOnly: true, login: login)
                return Response(status: .created)
            }
        }
    }

    static func run(_ context: SimulatorContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("run")) else { throw SimulatorFailure(status: 404, message: "run not found") }
        return id
    }
}
