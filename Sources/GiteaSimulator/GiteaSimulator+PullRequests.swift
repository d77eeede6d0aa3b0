import Foundation
import Gate
import Hummingbird

extension GiteaSimulator {
    /// Pull requests and merging them (Gitea's 405/409 answers).
    static func pullRequestRoutes(_ router: Router<SimulatorContext>, _ state: GiteaSimulatorState) {
        router.get("/api/v1/repos/:owner/:repo/pulls/:number") { request, context in
            await handle(state, request, context, write: false) { _ in
                let name = try repository(context)
                let index = try number(context)
                guard let item = await state.item(name, index), let pull = item.pull else { throw Failure(status: .notFound, message: "pull request does not exist") }
                let base = await state.baseURL
                return try json(GiteaPullRequest(number: index, title: item.title, state: item.state, merged: pull.merged, mergeable: pull.mergeable,
                                                 draft: pull.draft, head: .init(ref: pull.headRef, sha: pull.headSHA),
                                                 htmlURL: "\(base)/\(name)/pulls/\(index)"))
            }
        }

        struct Merge: Decodable { let Do: String; let head_commit_id: String?; let delete_branch_after_merge: Bool? }
        router.post("/api/v1/repos/:owner/:repo/pulls/:number/merge") { request, context in
            await handle(state, request, context, write: true) { login in
                let name = try repository(context)
                let index = try number(context)
                guard let repo = await state.repo(name), let item = repo.items[index], let pull = item.pull else {
                    throw Failure(status: .notFound, message: "pull request does not exist")
                }
                let input = try await decode(Merge.self, request)
                guard item.state == "open" || pull.merged else { throw Failure(status: .notFound, message: "pull request is closed") }
                guard repo.writers.contains(login.lowercased()) else { throw Failure(status: .methodNotAllowed, message: "User not allowed to merge PR") }
                guard !pull.merged else { throw Failure(status: .methodNotAllowed, message: "PR already merged") }
                guard !pull.draft else { throw Failure(status: .methodNotAllowed, message: "The PR is a work in progress") }
                guard pull.mergeable else { throw Failure(status: .methodNotAllowed, message: "Please try again later") }
                guard MergeStyle(rawValue: input.Do) != nil else { throw Failure(status: .unprocessableContent, message: "Do: invalid") }
                if let expected = input.head_commit_id, !pull.headSHA.hasPrefix(expected.lowercased()) {
                    throw Failure(status: .conflict, message: "head out of date")
                }
                await state.update(name) { repo in
                    repo.items[index]?.pull?.merged = true
                    repo.items[index]?.state = "closed"
                    repo.items[index]?.updatedAt = Date()
                }
                await state.recordWrite("POST", "/repos/\(name)/pulls/\(index)/merge")
                return Response(status: .ok)
            }
        }
    }
}
