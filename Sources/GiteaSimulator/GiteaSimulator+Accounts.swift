import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// The token's user, repositories (with the caller's permissions) and users or organisations.
    static func accountRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
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
    }
}
