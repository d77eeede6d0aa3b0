import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Pull requests and merging them (Gitea's 405/409 answers).
    static func pullRequestRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/pulls/:number") { request, context in
            await handle(state, request, context, write: false) { _ in
                try json(try await state.pullRequestOrFail(try repository(context), try number(context)))
            }
        }

        struct Merge: Decodable {
            let Do: String
            let head_commit_id: String?
            let delete_branch_after_merge: Bool?
        }
        router.post("/api/v1/repos/:owner/:repo/pulls/:number/merge") { request, context in
            await handle(state, request, context, write: true) { login in
                let (name, index) = try await existingIssue(state, context, pull: true)
                let input = try await decode(Merge.self, request)
                _ = try await state.merge(name, index, login: login, style: input.Do, headCommitID: input.head_commit_id)
                return Response(status: .ok)
            }
        }
    }
}
