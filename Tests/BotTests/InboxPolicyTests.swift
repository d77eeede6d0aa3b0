import Foundation
import Gate
import NostrCore
import Testing

@testable import Bot

/// The inbox's rules as a value, driven with plain messages, seen flags and times: no store, no keys' cryptography,
/// no actor. Each test names the step of ``InboxPolicy``'s table it checks.
@Suite struct InboxPolicyTests {
    static let alice = SecretKey.generate().publicKey
    static let stranger = SecretKey.generate().publicKey
    static let now: Int64 = 1_764_460_000
    static let ops = [
        Operator(
            publicKey: alice, name: "alice", repositories: ["ops/*"], actions: Set(GateAction.allCases),
            defaultRepository: try! Repository("ops/tc"), aliases: [:])
    ]

    /// A decrypted message as preparing would hand it on; `wrapped`: a NIP-17 message whose carrier is another id.
    static func prepared(
        _ text: String, from sender: PublicKey = alice, at time: Int64 = now, wrapped: Bool = false,
        id: String = String(repeating: "a", count: 64)
    ) -> PreparedEvent {
        let carrier = wrapped ? String(repeating: "c", count: 64) : id
        let event = Event(
            id: carrier, pubkey: sender.hex, createdAt: time, kind: wrapped ? 1059 : 4, tags: [], content: "",
            sig: String(repeating: "0", count: 128))
        let message = DirectMessage(
            id: id, carrierID: carrier, sender: sender, scheme: wrapped ? .nip17 : .nip04, createdAt: time,
            text: text, tags: [])
        return PreparedEvent(event: event, stage: .decoded(message))
    }

    static func policy(
        _ senders: InboxPolicy.Senders = .operators(ops, replyToStrangers: false), limits: BotConfiguration.Limits = .init(),
        cursor: InboxCursor = InboxCursor()
    ) -> InboxPolicy {
        InboxPolicy(senders: senders, limits: limits, startCursor: cursor, now: now)
    }

    @Test func theSenderRuleBeforeAnyCryptography() {
        #expect(Self.policy().mayOpen(from: Self.alice.hex))
        #expect(!Self.policy().mayOpen(from: Self.stranger.hex))
        #expect(Self.policy(.operators(Self.ops, replyToStrangers: true)).mayOpen(from: Self.stranger.hex))
        #expect(Self.policy(.anyone).mayOpen(from: Self.stranger.hex))
    }

    /// Relays are asked for the operators' kind-4 events only, unless strangers are read too.
    @Test func kind4AuthorsAreTheOperatorsUnlessStrangersAreRead() {
        #expect(Self.policy().senderRule.kind4Authors == Self.ops.map(\.publicKey.hex).sorted())
        #expect(Self.policy(.operators(Self.ops, replyToStrangers: true)).senderRule.kind4Authors == nil)
        #expect(Self.policy(.anyone).senderRule.kind4Authors == nil)
        let many = (0...InboxPolicy.SenderRule.maximumFilterAuthors).map { index in
            Operator(
                publicKey: SecretKey.generate().publicKey, name: "op\(index)", repositories: ["ops/*"], actions: [.addComment],
                defaultRepository: nil, aliases: [:])
        }
        #expect(Self.policy(.operators(many, replyToStrangers: false)).senderRule.kind4Authors == nil)
    }

    @Test func anOperatorsCommandExecutesAndNothingIsRecordedBeforeItRuns() {
        var policy = Self.policy()
        let verdict = policy.admit(Self.prepared("close #4 done"), seen: .neither, now: Self.now)
        guard case .execute(_, let op, let command) = verdict.decision else {
            Issue.record("\(verdict.decision.label)")
            return
        }
        #expect(op.name == "alice" && command.action == .closeIssue && command.repository.description == "ops/tc")
        // Executed messages are recorded by the consumer with the reply, not as a drop's memo.
        #expect(verdict.memo == nil)
    }

    @Test func seenFlagsMakeDuplicatesAndOnlyARewrapIsRemembered() {
        var policy = Self.policy()
        let seenCarrier = policy.admit(Self.prepared("close #4"), seen: .init(event: true, message: false), now: Self.now)
        #expect(seenCarrier.decision.dropReason == .duplicate && seenCarrier.memo == nil)
        // The same rumor in another wrap: the new wrap's id is recorded, at once (not batched).
        let rewrap = policy.admit(Self.prepared("close #4", wrapped: true), seen: .init(event: false, message: true), now: Self.now)
        #expect(rewrap.decision.dropReason == .duplicate)
        #expect(rewrap.memo == InboxPolicy.Memo(ids: [String(repeating: "c", count: 64)], messageTime: Self.now, batched: false))
    }

    @Test func strangersAreDroppedInBatchesOrAnsweredOnceAnHour() {
        var quiet = Self.policy()
        let dropped = quiet.admit(Self.prepared("close #1", from: Self.stranger), seen: .neither, now: Self.now)
        #expect(dropped.decision.dropReason == .stranger && dropped.memo?.batched == true)
        var answering = Self.policy(.operators(Self.ops, replyToStrangers: true))
        let first = answering.admit(Self.prepared("hi", from: Self.stranger), seen: .neither, now: Self.now)
        #expect(first.decision.label == "stranger_answered")
        let again = answering.admit(
            Self.prepared("hi", from: Self.stranger, id: String(repeating: "b", count: 64)), seen: .neither,
            now: Self.now + 3599)
        #expect(again.decision.dropReason == .stranger)
        let later = answering.admit(
            Self.prepared("hi", from: Self.stranger, at: Self.now + 3600, id: String(repeating: "d", count: 64)),
            seen: .neither, now: Self.now + 3600)
        #expect(later.decision.label == "stranger_answered")
    }

    @Test func ageSkewSizeAndRateInTheTablesOrder() {
        var limits = BotConfiguration.Limits()
        limits.commandsPerMinute = 1
        limits.maxDMBytes = 10
        var policy = Self.policy(limits: limits, cursor: InboxCursor(nip04: Self.now - 5000))
        // Older than max_dm_age_s but after the last one handled: sent while the bot was down, answered.
        #expect(
            policy.admit(Self.prepared("show #1", at: Self.now - 1000), seen: .neither, now: Self.now).decision.label == AnswerOutcome.tooOld.rawValue
        )
        // Older than the last one handled: history, dropped and remembered.
        let history = policy.admit(Self.prepared("show #1", at: Self.now - 6000), seen: .neither, now: Self.now)
        #expect(history.decision.dropReason == .tooOld && history.memo?.ids.count == 1)
        #expect(
            policy.admit(Self.prepared("show #1", at: Self.now + 301), seen: .neither, now: Self.now).decision.label
                == AnswerOutcome.clockSkew.rawValue)
        #expect(policy.admit(Self.prepared("show #1 and more"), seen: .neither, now: Self.now).decision.label == AnswerOutcome.tooLarge.rawValue)
        #expect(policy.admit(Self.prepared("show #1"), seen: .neither, now: Self.now).decision.label == "execute")
        #expect(policy.admit(Self.prepared("show #2"), seen: .neither, now: Self.now).decision.label == AnswerOutcome.rateLimited.rawValue)
        let told = policy.admit(Self.prepared("show #3"), seen: .neither, now: Self.now)
        #expect(told.decision.dropReason == .rateLimited && told.memo != nil)
        // Resuming another instance's message: age and rate are not checked again; size still is.
        #expect(
            policy.admit(
                Self.prepared("show #4", at: Self.now - 1000), seen: .init(event: true, message: true), now: Self.now,
                resuming: true
            ).decision.label == "execute")
        #expect(
            policy.admit(Self.prepared("show #1 and more"), seen: .neither, now: Self.now, resuming: true).decision.label
                == AnswerOutcome.tooLarge.rawValue)
    }

    @Test func grammarAndPolicyAnswer() {
        var policy = Self.policy()
        #expect(policy.admit(Self.prepared("help"), seen: .neither, now: Self.now).decision.label == "help")
        #expect(policy.admit(Self.prepared("close"), seen: .neither, now: Self.now).decision.label == "invalid")
        #expect(policy.admit(Self.prepared("close other/x#1"), seen: .neither, now: Self.now).decision.label == "refused")
    }

    /// An operator with the read-only defaults (no `actions` in the configuration) may `list`, `prs` and `runs`,
    /// and is refused `run` and `rerun`, which name the actions to grant.
    @Test func readOnlyOperatorsMayListButNotDispatch() {
        let reader = Operator(
            publicKey: Self.alice, name: "reader", repositories: ["ops/*"], actions: Set(Operator.readOnlyActions),
            defaultRepository: try! Repository("ops/tc"), aliases: [:])
        var policy = Self.policy(.operators([reader], replyToStrangers: false))
        func id(_ n: Int) -> String { String(repeating: "0", count: 62) + String(format: "%02x", n) }
        for (n, text) in ["list label:bug", "prs", "runs deploy.yml"].enumerated() {
            #expect(policy.admit(Self.prepared(text, id: id(n)), seen: .neither, now: Self.now).decision.label == "execute", "\(text)")
        }
        for (n, (text, action)) in [("run deploy.yml", "dispatch_workflow"), ("rerun 3 failed", "rerun_workflow")].enumerated() {
            let decision = policy.admit(Self.prepared(text, id: id(10 + n)), seen: .neither, now: Self.now).decision
            #expect(decision.label == "refused", "\(text)")
            guard case .answer(_, _, let answer, _) = decision else { continue }
            #expect(answer.contains("you may not \(action)"), "\(answer)")
        }
        #expect(policy.admit(Self.prepared("list other/repo", id: id(20)), seen: .neither, now: Self.now).decision.label == "refused")
    }

    /// `watch` needs the `watch` action and a repository the operator may act on; `watching` needs only the action.
    @Test func watchIsCheckedLikeAnyAction() {
        func id(_ n: Int) -> String { String(repeating: "0", count: 62) + String(format: "%02x", n) }
        var policy = Self.policy()
        #expect(policy.admit(Self.prepared("watch", id: id(1)), seen: .neither, now: Self.now).decision.label == "execute")
        #expect(policy.admit(Self.prepared("watching", id: id(2)), seen: .neither, now: Self.now).decision.label == "execute")
        #expect(policy.admit(Self.prepared("watch other/repo", id: id(3)), seen: .neither, now: Self.now).decision.label == "refused")
        let reader = Operator(
            publicKey: Self.alice, name: "reader", repositories: ["ops/*"], actions: Set(Operator.readOnlyActions),
            defaultRepository: try! Repository("ops/tc"), aliases: [:])
        var readOnly = Self.policy(.operators([reader], replyToStrangers: false))
        #expect(readOnly.admit(Self.prepared("watch", id: id(4)), seen: .neither, now: Self.now).decision.label == "refused")
        #expect(readOnly.admit(Self.prepared("watching", id: id(5)), seen: .neither, now: Self.now).decision.label == "refused")
        // A stranger's watch never gets as far as the grammar.
        #expect(policy.admit(Self.prepared("watch", from: Self.stranger, id: id(6)), seen: .neither, now: Self.now).decision.label != "execute")
    }

    /// `whoami` says who acts on Gitea for the operator and what needs their "yes".
    @Test func whoamiNamesTheActingUserAndTheConfirmations() {
        let sudo = Operator(
            publicKey: Self.alice, name: "alice", repositories: ["ops/*"], actions: [.mergePR], defaultRepository: nil, aliases: [:],
            giteaUser: "alice", confirm: [.mergePR, .closeIssue])
        let text = InboxPolicy.whoami(sudo)
        #expect(text.contains("Acts on Gitea as: alice (Sudo)") && text.contains("Needs your \"yes\": close_issue, merge_pr"), "\(text)")
        let token = Operator(
            publicKey: Self.alice, name: "alice", repositories: ["ops/*"], actions: [], defaultRepository: nil, aliases: [:],
            giteaUser: "alice", tokenFile: "/x/alice.token")
        #expect(InboxPolicy.whoami(token).contains("Acts on Gitea as: alice (personal token)"))
        #expect(InboxPolicy.whoami(Self.ops[0]).contains("Acts on Gitea as: the bot's own account"))
        #expect(!InboxPolicy.whoami(Self.ops[0]).contains("Needs your"))
    }

    @Test func anyoneDeliversEverySendersMessageInsideTheWindow() {
        var policy = Self.policy(.anyone)
        guard case .deliver(let message) = policy.admit(Self.prepared("hello", from: Self.stranger), seen: .neither, now: Self.now).decision
        else {
            Issue.record("not delivered")
            return
        }
        #expect(message.text == "hello")
        // No command language: a command is delivered as text too.
        #expect(policy.admit(Self.prepared("close #1"), seen: .neither, now: Self.now).decision.label == "deliver")
        let old = policy.admit(Self.prepared("old", at: Self.now - 901), seen: .neither, now: Self.now)
        #expect(old.decision.dropReason == .tooOld && old.memo != nil)
    }

    @Test func undecodableEventsAreRememberedOnlyWhenTheCarrierVerified() {
        var policy = Self.policy()
        let event = Self.prepared("x").event
        let undecryptable = policy.admit(
            PreparedEvent(event: event, stage: .undecodable(.undecryptable("bad padding"))), seen: .neither,
            now: Self.now)
        #expect(undecryptable.memo == InboxPolicy.Memo(ids: [event.id], messageTime: Self.now, batched: true))
        let forged = policy.admit(PreparedEvent(event: event, stage: .undecodable(.invalidEvent(.badSignature))), seen: .neither, now: Self.now)
        #expect(forged.decision.dropReason == .undecodable(.invalidEvent(.badSignature)) && forged.memo == nil)
    }
}
