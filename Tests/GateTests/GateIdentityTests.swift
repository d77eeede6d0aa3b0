import Foundation
import GiteaSimulator
import Testing

@testable import Gate

/// Commands executed as the operator's Gitea login: `Sudo:` on the bot's administrator token, or the operator's
/// personal token; Gitea's own permissions then apply, and probes accept only that login's writes.
@Suite(.serialized) struct GateIdentityTests {
    typealias H = SimulatorHarness

    @Test(arguments: H.Transport.allCases) func aSudoMappedOperatorsWritesAreTheirs(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(actors: ["alice": h.forge(sudo: "alice")])
            let created = await gate.handle(
                H.command(.createIssue(title: "As alice", body: "b", labels: ["bug"], assignees: []), actingUser: "alice"))
            #expect(created.success, "\(created.sentence)")
            let issue = try #require(await h.state.item(H.repo, created.number ?? 0))
            #expect(issue.author == "alice" && issue.labels.count == 1)
            // The footer still names who gave the command: the operator's key.
            #expect(issue.body.contains("create_issue by nostr:alice"))
            let closed = await gate.handle(H.command(.closeIssue(issue: issue.number, comment: "done"), actingUser: "alice"))
            #expect(closed.success, "\(closed.sentence)")
            #expect(await h.state.item(H.repo, issue.number)!.comments.allSatisfy { $0.user.login == "alice" })
            // Without an acting user the bot's own account acts, as before.
            let own = await gate.handle(H.command(.createIssue(title: "As the bot", body: "", labels: [], assignees: [])))
            #expect(await h.state.item(H.repo, own.number ?? 0)?.author == "gatebot")
        }
    }

    @Test(arguments: H.Transport.allCases) func aPersonalTokenActsTheSame(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(actors: ["alice": h.forge(token: "alice-token")])
            let created = await gate.handle(H.command(.createIssue(title: "Token", body: "", labels: [], assignees: []), actingUser: "Alice"))
            #expect(created.success, "\(created.sentence)")
            #expect(await h.state.item(H.repo, created.number ?? 0)?.author == "alice")
        }
    }

    /// bob may read ops/tc but not write: Gitea's 403 (close) and 405 (merge) come back as answers that say so, and
    /// nothing is written.
    @Test(arguments: H.Transport.allCases) func aUserWithoutWriteAccessGetsGiteasRefusal(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(actors: ["bob": h.forge(sudo: "bob")])
            let issue = await h.state.addIssue(H.repo, title: "Not bob's", author: "alice")
            let close = await gate.handle(H.command(.closeIssue(issue: issue, comment: nil), actingUser: "bob"))
            #expect(!close.success && close.message.contains("the Gitea account acting for you may not do this"), "\(close.message)")
            let merge = await gate.handle(H.command(.mergePR(pr: 1, style: .merge, headSHA: nil, deleteBranch: false), actingUser: "bob"))
            #expect(!merge.success && merge.message.contains("User not allowed to merge PR"), "\(merge.message)")
            #expect(await h.state.writes.isEmpty)
            // Refused by Gitea: recorded failed, nothing left claimed.
            #expect(try await gate.ledger.claimedEntries(now: Int64(Date().timeIntervalSince1970) + 3600).isEmpty)
        }
    }

    /// Sudo from a token that is not a site administrator's is refused by Gitea (403); a login with no forge
    /// configured executes nothing at all.
    @Test(arguments: H.Transport.allCases) func misconfiguredIdentitiesExecuteNothing(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(actors: ["alice": h.forge(token: "bob-token", sudo: "alice")])
            let refused = await gate.handle(H.command(.createIssue(title: "x", body: "", labels: [], assignees: []), actingUser: "alice"))
            #expect(!refused.success && refused.message.contains("Only administrators allowed to sudo"), "\(refused.message)")
            let unmapped = await gate.handle(H.command(.createIssue(title: "y", body: "", labels: [], assignees: []), actingUser: "carol"))
            #expect(!unmapped.success && unmapped.message.contains("no Gitea identity is configured for carol"), "\(unmapped.message)")
            #expect(await h.state.writes.isEmpty)
        }
    }

    /// A probe as alice ignores a key footer bob posted (look-alike), executes, and then finds alice's own write; after a
    /// crash, recovery probes as alice and finds her write without writing again.
    @Test(arguments: H.Transport.allCases) func probesFindOnlyTheActingUsersWrites(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor(actors: ["alice": h.forge(sudo: "alice")])
            let repo = try Repository(H.repo)
            let number = await h.state.addIssue(H.repo, title: "Target", author: "alice")
            let command = H.command(.addComment(issue: number, body: "real"), actingUser: "alice")
            let key = IdempotencyKey(command)
            _ = try await h.forge(token: "bob-token").createComment(
                repo, number, body: GateFooter.append(to: "look-alike", key: key, action: command.action, actor: command.source))
            let asAlice = try #require(gate.acting(command))
            let now = Int64(Date().timeIntervalSince1970)
            #expect(try await asAlice.probe(command, key: key, claimedAt: now, entryID: 0) == nil)
            let ack = await gate.handle(command)
            #expect(ack.success && !ack.priorExecution, "\(ack.sentence)")
            #expect(try await asAlice.probe(command, key: key, claimedAt: now, entryID: 0) != nil)

            // A crash after alice's write: the claim is left, recovery finds her comment.
            let crashed = H.command(.addComment(issue: number, body: "before the crash"), actingUser: "alice")
            _ = try await gate.ledger.claim(key: IdempotencyKey(crashed), command: crashed, now: now, window: 3600)
            _ = try await h.forge(sudo: "alice").createComment(
                repo, number,
                body: GateFooter.append(to: "before the crash", key: IdempotencyKey(crashed), action: .addComment, actor: crashed.source))
            let writes = await h.state.writes.count
            let recovered = await gate.recover()
            #expect(recovered.count == 1 && recovered[0].success, "\(recovered.map(\.sentence))")
            #expect(await h.state.writes.count == writes)
        }
    }
}
