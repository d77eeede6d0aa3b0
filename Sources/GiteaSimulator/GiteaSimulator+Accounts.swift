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
                try json(try await state.repositoryOrFail(try repository(context), login))
            }
        }

        router.get("/api/v1/users/:name") { request, context in
            await handle(state, request, context, write: false) { _ in
                try json(try await state.ownerOrFail(try context.parameters.require("name")))
            }
        }
    }
}
