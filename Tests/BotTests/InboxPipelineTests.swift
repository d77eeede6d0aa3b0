import Foundation
import Gate
import Logging
import NostrCore
import NostrIngress
import TestSupport
import Testing

@testable import Bot

/// The inbox pipeline driven with plain events and times: which check decides, and in what order.
@Suite struct InboxPipelineTests {
    let bot = SecretKey.generate()
    let alice = SecretKey.generate()
    let bob = SecretKey.generate()
    let stranger = SecretKey.generate()
    let now: Int64 = 1_764_460_000

    func pipeline(
        limits: BotConfiguration.Limits = .init(), store: InboxStore? = nil, persist: Bool = true,
        replyToStrangers: Bool = false
    ) throws -> InboxPipeline {
        let ops = [
            Operator(
                publicKey: alice.publicKey, name: "alice", repositories: ["ops/*"], actions: Set(GateAction.allCases),
                defaultRepository: try Repository("ops/tc"), aliases: [:]),
            Operator(publicKey: bob.publicKey, name: "bob", repositories: ["other/*"], actions: [.show], defaultRepository: nil, aliases: [:])
        ]
        let path = ScratchDirectory.root.appendingPathComponent("og-pipe-\(UUID().uuidString)/inbox.sqlite").path
        return try InboxPipeline(
            decoder: DirectMessageDecoder(keys: ConversationKeyCache(secretKey: bot)),
            store: persist ? try store ?? InboxStore(path: path) : nil,
            senders: .operators(ops, replyToStrangers: replyToStrangers), limits: limits, now: now,
            logger: Logger(label: "test"))
    }

    func nip04(_ text: String, from sender: SecretKey, at time: Int64? = nil) -> Event {
        EventTemplate(
            kind: 4, content: NIP04.encrypt(text, secretKey: sender, publicKey: bot.publicKey), tags: [["p", bot.publicKey.hex]],
            createdAt: time ?? now
        ).sign(with: sender.keyPair)
    }

    func nip17(_ text: String, from sender: SecretKey, at time: Int64? = nil) throws -> Event {
        try NIP17.message(text, author: sender.keyPair, recipient: bot.publicKey, now: time ?? now).toRecipient
    }

    @Test func aStrangersKind4IsDroppedBeforeAnySignatureCheck() async throws {
        let p = try pipeline()
        let good = nip04("issue x", from: stranger)
        // A broken signature would be "invalid_event" if it were checked: it is not, the sender decides first.
        let broken = good.withSignature(String(repeating: "0", count: 128))
        #expect(await p.admit(broken, now: now).label == "stranger")
        #expect(await p.admit(nip04("issue x", from: alice).withTags([["p", stranger.publicKey.hex]]), now: now).label == "not_addressed_to_us")
        #expect(await p.admit(EventTemplate(kind: 1, content: "hi", createdAt: now).sign(with: alice.keyPair), now: now).label == "wrong_kind")
    }

    @Test func replyToStrangersAnswersEachStrangerOnceAnHourAndExecutesNothing() async throws {
        let p = try pipeline(replyToStrangers: true)
        #expect(p.accepts(.init(kind: 4, pubkey: stranger.publicKey.hex)))
        guard case .answerStranger(let message, let text) = await p.admit(nip04("close ops/tc#1", from: stranger), now: now) else {
            Issue.record("expected an answer to the stranger")
            return
        }
        #expect(message.sender == stranger.publicKey && text.contains("only takes commands from its operators"))
        #expect(await p.admit(try nip17("close ops/tc#2", from: stranger), now: now + 60).label == "stranger")
        #expect(await p.admit(try nip17("close ops/tc#3", from: stranger, at: now + 3600), now: now + 3600).label == "stranger_answered")
        // A forged signature is still refused before anyone is answered.
        let good = nip04("x", from: bob)
        let other = SecretKey.generate()
        let forged = Event(
            id: good.id, pubkey: other.publicKey.hex, createdAt: good.createdAt, kind: 4, tags: good.tags, content: good.content, sig: good.sig)
        #expect(await p.admit(forged, now: now).label == "invalid_event")
        // Off (the default), the prescreen drops strangers' kind-4 DMs undecoded.
        #expect(try !pipeline().accepts(.init(kind: 4, pubkey: stranger.publicKey.hex)))
        #expect(try pipeline().accepts(.init(kind: 4, pubkey: alice.publicKey.hex)))
    }

    @Test func anOperatorsTamperedEventIsInvalidAndAStrangersWrapIsAStranger() async throws {
        let p = try pipeline()
        let good = nip04("issue x", from: alice)
        let tampered = good.withSignature(String(repeating: "0", count: 128))
        #expect(await p.admit(tampered, now: now).label == "invalid_event")
        #expect(await p.admit(try nip17("issue x", from: stranger), now: now).label == "stranger")
    }

    /// The bot's own NIP-17 copy of an answer comes back p-tagged to the bot; noted by id when the answer is stored,
    /// it is dropped as `own_copy` before any cryptography (a tampered signature would otherwise read as invalid),
    /// where before it cost a partial unwrap and counted as a stranger's event. Ids of a restart's stored replies too.
    @Test func theBotsOwnCopiesAreDroppedByIdBeforeAnyCryptography() async throws {
        let path = ScratchDirectory.root.appendingPathComponent("og-own-\(UUID().uuidString)/inbox.sqlite").path
        let store = try InboxStore(path: path)
        let p = try pipeline(store: store)
        let answer = try NIP17.message("✓ done", author: bot.keyPair, recipient: alice.publicKey, now: now)
        #expect(await p.admit(answer.toSelf, now: now).label == "stranger", "unknown: opened and judged as before")
        let later = try NIP17.message("✓ again", author: bot.keyPair, recipient: alice.publicKey, now: now)
        p.noteOwnEvents([later.toRecipient.id, later.toSelf.id])
        #expect(await p.admit(later.toSelf.withSignature(String(repeating: "0", count: 128)), now: now).label == "own_copy")
        #expect(await p.admit(later.toSelf, now: now).label == "own_copy")

        let message = try #require(DirectMessageDecoder(keys: ConversationKeyCache(secretKey: bot)).decode(try nip17("show #1", from: alice)))
        try store.markProcessed(message, now: now, reply: [later.toRecipient, later.toSelf])
        #expect(try store.replyEventIDs() == [later.toRecipient.id, later.toSelf.id])
    }

    @Test func commandsAreAdmittedAndRepeatsDropped() async throws {
        let p = try pipeline(persist: false)
        let event = try nip17("close #4 done", from: alice)
        guard case .execute(let message, let op, let command) = await p.admit(event, now: now) else {
            Issue.record("not executed")
            return
        }
        #expect(op.name == "alice" && message.scheme == .nip17)
        #expect(command.action == .closeIssue && command.repository.description == "ops/tc" && command.origin?.eventID == message.id)
        #expect(command.source == "nostr:" + alice.publicKey.npub)
        #expect(await p.admit(event, now: now).label == "duplicate")
    }

    /// Two relays deliver the same DM; both copies are prepared (verified, decrypted) at once, before either is
    /// admitted. The ordered stage lets the first through and catches the second once the first is recorded.
    @Test func copiesPreparedInParallelExecuteOnce() async throws {
        let p = try pipeline()
        for event in [nip04("close #9", from: alice), try nip17("close #10", from: alice)] {
            let first = p.prepare(event)
            let second = p.prepare(event)
            guard case .execute(let message, _, _) = await p.admit(first, now: now) else {
                Issue.record("not executed")
                continue
            }
            var cursor = InboxCursor()
            cursor.advance(scheme: message.scheme, messageTime: message.createdAt, now: now)
            try #require(p.store).markProcessed(ids: [message.carrierID, message.id], messageTime: message.createdAt, cursor: cursor, now: now)
            #expect(await p.admit(second, now: now).label == "duplicate")
            #expect(await p.admit(event, now: now).label == "duplicate")
        }
        // A forged copy is dropped on its own merits and not remembered: its id may be a real event's.
        let forged = nip04("close #11", from: alice).withSignature(String(repeating: "0", count: 128))
        #expect(await p.admit(p.prepare(forged), now: now).label == "invalid_event")
        #expect(await p.admit(p.prepare(forged), now: now).label == "invalid_event")
    }

    /// Commands run while later events are admitted, so a message is recorded (with its reply) only after its copies
    /// may arrive: a copy, or the same rumor in another wrap, is a duplicate from the moment the first is admitted.
    @Test func aCopyOfAMessageStillRunningIsADuplicate() async throws {
        let p = try pipeline()
        let nip04Event = nip04("close #12", from: alice)
        let outgoing = try NIP17.message("close #13", author: alice.keyPair, recipient: bot.publicKey, now: now)
        let rewrap = NIP59.wrap(outgoing.rumor, author: alice.keyPair, recipient: bot.publicKey, now: now)
        for (first, copy) in [(nip04Event, nip04Event), (outgoing.toRecipient, rewrap)] {
            guard case .execute = await p.admit(first, now: now) else {
                Issue.record("not executed")
                continue
            }
            #expect(await p.admit(copy, now: now).label == "duplicate", "nothing is recorded in the store yet")
        }
    }

    /// A hostile relay delivers an operator's DM with one signature bit flipped before the honest relays deliver
    /// the real one: the forgery is refused, and the real copy still executes, once.
    @Test func aForgedCopyFirstDoesNotShadowTheRealMessage() async throws {
        let p = try pipeline()
        for real in [nip04("close #12", from: alice), try nip17("close #13", from: alice)] {
            var sig = Array(real.sig.utf8)
            sig[10] = sig[10] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            let forged = real.withSignature(String(decoding: sig, as: UTF8.self))
            #expect(forged.id == real.id)
            // Prepared side by side (as on two workers), the forgery first.
            let first = p.prepare(forged)
            let second = p.prepare(real)
            #expect(await p.admit(first, now: now).label == "invalid_event")
            #expect(try !#require(p.store).hasSeen(real.id))
            guard case .execute(let message, _, _) = await p.admit(second, now: now) else {
                Issue.record("real copy not executed")
                continue
            }
            try #require(p.store).markProcessed(ids: [message.carrierID, message.id], messageTime: message.createdAt, cursor: InboxCursor(), now: now)
            // Once the real one ran, any further copy (forged or not) is a duplicate: executed once.
            #expect(await p.admit(real, now: now).label == "duplicate")
            #expect(await p.admit(forged, now: now).label == "duplicate")
        }
    }

    @Test func ageSkewAndSizeAreCheckedOnTheMessagesOwnTime() async throws {
        var limits = BotConfiguration.Limits()
        limits.maxDMBytes = 100
        let p = try pipeline(limits: limits)
        // Sent after the pipeline started (no cursor yet), then read 20 minutes later: told it was not executed.
        let late = nip04("close #1", from: alice, at: now + 10)
        guard case .answer(_, _, let text, .tooOld) = await p.admit(late, now: now + 10 + 1200) else {
            Issue.record("expected too_old")
            return
        }
        #expect(text.contains("20 min old"))
        // From before the pipeline started: history, dropped quietly.
        #expect(await p.admit(nip04("close #1", from: alice, at: now - 5000), now: now).label == "too_old")
        guard case .answer(_, _, _, .tooOld) = await p.admit(try nip17("close #2", from: alice, at: now + 5), now: now + 2000) else {
            Issue.record("a NIP-17 rumor's own time decides")
            return
        }
        #expect(await p.admit(nip04("close #1", from: alice, at: now + 900), now: now).label == "clock_skew")
        #expect(await p.admit(nip04(String(repeating: "x", count: 101), from: alice), now: now).label == "too_large")
    }

    @Test func rateLimitAnswersOnceAMinute() async throws {
        var limits = BotConfiguration.Limits()
        limits.commandsPerMinute = 2
        let p = try pipeline(limits: limits)
        var labels: [String] = []
        for index in 0..<5 { labels.append(await p.admit(nip04("show #\(index + 1)", from: alice), now: now + Int64(index)).label) }
        #expect(labels == ["execute", "execute", "rate_limited", "rate_limited", "rate_limited"])
        // The first over the limit is answered ("slow down"), the next ones dropped.
        let counts = await p.counts
        #expect(counts["rate_limited"] == 3)
        #expect(await p.admit(nip04("show #9", from: alice), now: now + 61).label == "execute")
    }

    @Test func policyGrammarHelpAndWhoami() async throws {
        let p = try pipeline()
        guard case .answer(_, _, let refusal, .refused) = await p.admit(nip04("close ops/tc#1", from: bob), now: now) else {
            Issue.record("refused")
            return
        }
        #expect(refusal.contains("close_issue"))
        guard case .answer(_, _, let usage, .invalid) = await p.admit(nip04("merge #3", from: alice), now: now) else {
            Issue.record("invalid")
            return
        }
        #expect(usage.contains("Usage: merge"))
        #expect(await p.admit(nip04("help", from: alice), now: now).label == "help")
        guard case .answer(_, _, let me, .whoami) = await p.admit(nip04("whoami", from: bob), now: now) else {
            Issue.record("whoami")
            return
        }
        #expect(me.contains("bob") && me.contains("other/*"))
    }
}

@Suite struct RateLimiterTests {
    @Test func theDocumentedTable() {
        var limiter = RateLimiter<String>(perMinute: 2)
        #expect(limiter.check("a", now: 0) == .allowed)
        #expect(limiter.check("a", now: 1) == .allowed)
        #expect(limiter.check("a", now: 2) == .limited(notify: true))
        #expect(limiter.check("a", now: 30) == .limited(notify: false))
        #expect(limiter.check("b", now: 30) == .allowed)
        #expect(limiter.check("a", now: 60) == .allowed)  // the command at 0 left the window
        #expect(limiter.check("a", now: 61) == .allowed)  // and the one at 1
        #expect(limiter.check("a", now: 62) == .limited(notify: true))  // last notice was 60 s ago
    }
}

extension Event {
    func withTags(_ tags: [[String]]) -> Event {
        Event(id: id, pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content, sig: sig)
    }

    func withSignature(_ sig: String) -> Event {
        Event(id: id, pubkey: pubkey, createdAt: createdAt, kind: kind, tags: tags, content: content, sig: sig)
    }
}
