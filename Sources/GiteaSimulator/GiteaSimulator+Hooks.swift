import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Repository webhooks: listing and creating them (writers only, as Gitea requires admin access to the
    /// repository; 403 otherwise). A created hook receives the simulator's deliveries from then on.
    static func hookRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/hooks") { request, context in
            await handle(state, request, context, write: false) { login in
                try json(try await state.hooksOrFail(try repository(context), login: login))
            }
        }

        struct CreateHook: Decodable {
            let type: String
            let config: [String: String]
            let events: [String]?
            let active: Bool?
        }
        router.post("/api/v1/repos/:owner/:repo/hooks") { request, context in
            await handle(state, request, context, write: true) { login in
                let input = try await decode(CreateHook.self, request)
                guard input.type == "gitea", let url = input.config["url"].flatMap(URL.init(string:)), input.config["content_type"] == "json" else {
                    throw SimulatorFailure(status: 422, message: "invalid hook: type gitea, config.url and content_type json are required")
                }
                return try json(
                    try await state.createHook(
                        try repository(context), login: login, url: url, secret: input.config["secret"] ?? "", events: input.events ?? []),
                    status: .created)
            }
        }
    }
}
