import Foundation
import GiteaSimulator
import NIOConcurrencyHelpers
import Testing

@testable import Gate

/// Commands that wait for their operator's `yes CODE`: the preview, then exactly one execution; `no`, expiry,
/// another operator's code, a target that changed, and a restart in between.
@Suite(.serialized) struct GateConfirmationTests {
    typealias H = SimulatorHarness

    static let merge = CommandPayload.mergePR(pr: 1, style: .squash, headSHA: nil, deleteBranch: false)

    /// The code in a preview's "reply "yes CODE"".
    static func code(_ ack: Ack) -> String? {
        ack.message.range(of: #"yes [0-9A-Z]{4,8}"#, options: .regularExpression).map { String(ack.message[$0].dropFirst(4)) }
    }

    static func merges(_ h: H) async -> Int { await h.state.writes.filter { $0.1.hasSuffix("/merge") }.count }

    @Test(arguments: H.Transport.allCases) func yesExecutesOnceAndARepeatedYesGetsTheFirstResult(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let preview = await gate.handle(H.command(Self.merge), confirmFirst: true)
            #expect(
                preview.success
                    && preview.message.hasPrefix(
                        "Confirm: merge ops/tc!1 “Add deploy script” (head 0123456, mergeable, 2 files +40 −3) with squash — reply \"yes "),
                "\(preview.message)")
            #expect(preview.sentence == preview.message && preview.message.contains("within 10 min"))
            let code = try #require(Self.code(preview))
            #expect(await h.state.writes.isEmpty, "a preview writes nothing")
            let yes = await gate.handle(H.command(.confirm(code: code.lowercased(), accept: true)))
            #expect(yes.success && yes.state == .merged && yes.action == .mergePR, "\(yes.sentence)")
            let again = await gate.handle(H.command(.confirm(code: code, accept: true)))
            #expect(again.success && again.priorExecution && again.key == yes.key, "\(again.sentence)")
            #expect(await Self.merges(h) == 1)
        }
    }

    /// Two `yes` at once (say, from two of the operator's devices), on 12 pull requests: one merge each, and both
    /// answers name it (the later one from the ledger, whether it saw the code pending or the merge done).
    @Test func twoYesAtOnceMergeOnce() async throws {
        try await H.with(.inProcess) { h in
            let gate = try h.executor()
            for round in 0..<12 {
                let number = await h.state.addPullRequest(
                    H.repo, title: "PR \(round)", author: "alice", headSHA: "abcdef0123456789abcdef0123456789abcdef\(round + 10)")
                let preview = await gate.handle(H.command(.mergePR(pr: number, style: .merge, headSHA: nil, deleteBranch: false)), confirmFirst: true)
                let code = try #require(Self.code(preview), "\(preview.message)")
                // The first target read of the two is held, so that yes sees the other's merge done (every other round).
                if round % 2 == 0 { await h.state.inject(.delay(seconds: 0.1)) }
                let answers = await withTaskGroup(of: Ack.self) { group in
                    for _ in 0..<2 { group.addTask { await gate.handle(H.command(.confirm(code: code, accept: true))) } }
                    return await group.reduce(into: [Ack]()) { $0.append($1) }
                }
                #expect(answers.allSatisfy { $0.success && $0.state == .merged && $0.number == number }, "\(answers.map(\.sentence))")
                #expect(answers.filter(\.priorExecution).count == 1, "\(answers.map(\.sentence))")
            }
            #expect(await Self.merges(h) == 12)
        }
    }

    @Test func noDropsItAndLaterAnswersSaySo() async throws {
        try await H.with(.inProcess) { h in
            let gate = try h.executor()
            let code = try #require(Self.code(await gate.handle(H.command(Self.merge), confirmFirst: true)))
            let no = await gate.handle(H.command(.confirm(code: code, accept: false)))
            #expect(no.success && no.message == "Cancelled: merge ops/tc!1 (squash) was not executed.", "\(no.message)")
            let yes = await gate.handle(H.command(.confirm(code: code, accept: true)))
            #expect(!yes.success && yes.sentence.hasPrefix("✗ code \(code) was declined"), "\(yes.sentence)")
            #expect(await Self.merges(h) == 0)
        }
    }

    /// After `confirm_ttl_s` a code executes nothing; a code from another source is unknown to it and stays valid
    /// for its owner; an unknown code and a malformed one execute nothing.
    @Test func expiredForeignAndUnknownCodesExecuteNothing() async throws {
        try await H.with(.inProcess) { h in
            let clock = NIOLockedValueBox(Int64(1_800_000_000))
            var configuration = GateExecutor.Configuration()
            configuration.confirmationTTL = 600
            let gate = try h.executor(configuration: configuration, now: { clock.withLockedValue { $0 } })
            let code = try #require(Self.code(await gate.handle(H.command(Self.merge), confirmFirst: true)))
            let foreign = await gate.handle(H.command(.confirm(code: code, accept: true), source: "nostr:mallory"))
            #expect(!foreign.success && foreign.message.contains("no command is waiting for your confirmation"), "\(foreign.message)")
            let unknown = await gate.handle(H.command(.confirm(code: "ZZZZ", accept: true)))
            #expect(!unknown.success && unknown.message.contains("no command is waiting"))
            let malformed = await gate.handle(H.command(.confirm(code: "K7?2", accept: true)))
            #expect(!malformed.success && malformed.message.contains("is not a confirmation code"))
            clock.withLockedValue { $0 += 601 }
            let late = await gate.handle(H.command(.confirm(code: code, accept: true)))
            #expect(!late.success && late.message.contains("expired"), "\(late.message)")
            #expect(await Self.merges(h) == 0)

            let fresh = try #require(Self.code(await gate.handle(H.command(Self.merge), confirmFirst: true)))
            _ = await gate.handle(H.command(.confirm(code: fresh, accept: true), source: "nostr:mallory"))
            let owner = await gate.handle(H.command(.confirm(code: fresh, accept: true)))
            #expect(owner.success && owner.state == .merged, "the code stays valid for its owner: \(owner.sentence)")
        }
    }

    /// The pull request's head moved, or an issue was closed, between the preview and the `yes`: the answer names
    /// the change and nothing is written.
    @Test(arguments: H.Transport.allCases) func aTargetChangedSinceThePreviewIsNotExecuted(_ transport: H.Transport) async throws {
        try await H.with(transport) { h in
            let gate = try h.executor()
            let code = try #require(Self.code(await gate.handle(H.command(Self.merge), confirmFirst: true)))
            await h.state.setPullState(H.repo, 1, headSHA: "fedcba9876543210fedcba9876543210fedcba98")
            let moved = await gate.handle(H.command(.confirm(code: code, accept: true)))
            #expect(!moved.success && moved.message.contains("its head moved from 0123456 to fedcba9"), "\(moved.message)")
            let retry = await gate.handle(H.command(.confirm(code: code, accept: true)))
            #expect(!retry.success && retry.message.contains("cancelled because the target changed"), "\(retry.message)")

            let issue = await h.state.addIssue(H.repo, title: "Close me", author: "alice")
            let closeCode = try #require(Self.code(await gate.handle(H.command(.closeIssue(issue: issue, comment: nil)), confirmFirst: true)))
            _ = try await h.forge(token: "alice-token").editIssue(try Repository(H.repo), issue, state: .closed)
            let closed = await gate.handle(H.command(.confirm(code: closeCode, accept: true)))
            #expect(!closed.success && closed.message.contains("it was closed meanwhile"), "\(closed.message)")
            #expect(await h.state.writes.filter { $0.0 == "POST" }.isEmpty, "no merge, no proof comment")
        }
    }

    /// The pending confirmation is in the ledger's database: a new process on the same ledger executes the `yes`.
    @Test func aRestartBetweenPreviewAndYes() async throws {
        try await H.with(.inProcess) { h in
            let path = H.ledgerPath()
            let code = try #require(Self.code(await (try h.executor(ledgerPath: path)).handle(H.command(Self.merge), confirmFirst: true)))
            let restarted = try h.executor(ledgerPath: path)
            let yes = await restarted.handle(H.command(.confirm(code: code, accept: true)))
            #expect(yes.success && yes.state == .merged, "\(yes.sentence)")
            #expect(await Self.merges(h) == 1)
        }
    }
}

/// The pure parts: the decision table and the codes.
@Suite struct ConfirmationRuleTests {
    static func pending(_ state: PendingConfirmation.State = .pending) -> PendingConfirmation {
        PendingConfirmation(code: "K7F2", source: "nostr:alice", command: "{}", snapshot: "{}", createdAt: 100, expiresAt: 700, state: state)
    }

    @Test func everyRowOfTheTable() {
        typealias D = ConfirmationRule.Decision
        let rows: [(PendingConfirmation?, String, Bool, Int64, D)] = [
            (nil, "nostr:alice", true, 200, .unknown), (Self.pending(), "nostr:mallory", true, 200, .unknown),
            (Self.pending(), "nostr:mallory", false, 200, .unknown), (Self.pending(), "nostr:alice", true, 701, .expired),
            (Self.pending(), "nostr:alice", false, 701, .expired), (Self.pending(), "nostr:alice", true, 700, .execute),
            (Self.pending(), "nostr:alice", false, 200, .decline), (Self.pending(.confirmed), "nostr:alice", true, 9999, .repeatResult),
            (Self.pending(.confirmed), "nostr:alice", false, 200, .repeatResult),
            (Self.pending(.declined), "nostr:alice", true, 200, .alreadyDeclined),
            (Self.pending(.stale), "nostr:alice", true, 200, .alreadyStale), (Self.pending(.confirmed), "nostr:mallory", true, 200, .unknown)
        ]
        for (found, source, accept, now, expected) in rows {
            #expect(
                ConfirmationRule.decide(found, source: source, accept: accept, now: now) == expected,
                "\(String(describing: found?.state)) \(source) \(accept) \(now)")
        }
    }

    @Test func codesAreRandomUnambiguousAndCaseInsensitive() {
        let codes = (0..<2000).map { _ in ConfirmationCode.generate() }
        #expect(codes.allSatisfy { $0.count == 4 && ConfirmationCode.normalize($0) == $0 })
        #expect(Set(codes).count > 1900, "random: few repeats among 2,000 of 1,048,576")
        #expect(!codes.joined().contains { "ILOU".contains($0) })
        #expect(ConfirmationCode.normalize("k7f2") == "K7F2")
        #expect(ConfirmationCode.normalize("oil1") == "0111")
        for bad in ["K7F", "K7F2K7F2K", "K7-2", "ÄÖÜ1", "", "UUUU"] { #expect(ConfirmationCode.normalize(bad) == nil, "\(bad)") }
    }
}
