import CLISupport
import Dispatch
import Foundation
import NostrCore
import NostrIngress
import Testing

/// ``AnswerMailbox``, the benchmarks' and `demo`'s inbox: real NIP-04 messages from the bot, filed in order, handed
/// to a waiting taker when they arrive, and `nil` after the timeout without losing what comes later.
@Suite struct AnswerMailboxTests {
    let bot = KeyPair(secretKey: .generate())
    let alice = KeyPair(secretKey: .generate())

    /// A NIP-04 message `text` from `author` to Alice, as a relay delivers it.
    func inbound(_ text: String, from author: KeyPair) -> InboundEvent {
        let key = NIP04.sharedKey(secretKey: author.secretKey, publicKey: alice.publicKey)
        let event = NIP04.message(text, author: author, recipient: alice.publicKey, now: 1_700_000_000, replyTo: nil, sharedKey: key)
        return InboundEvent(relay: "ws://127.0.0.1:1", subscriptionID: "dm", event: event, receivedAt: Date())
    }

    /// Runs `body` with a mailbox collecting what `events` yields, from the bot only.
    func withMailbox(_ body: (AnswerMailbox, AsyncStream<InboundEvent>.Continuation) async throws -> Void) async rethrows {
        let mailbox = AnswerMailbox()
        let (events, continuation) = AsyncStream.makeStream(of: InboundEvent.self)
        let decoder = DirectMessageDecoder(keys: ConversationKeyCache(secretKey: alice.secretKey))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await mailbox.collect(events, decoder: decoder, from: bot.publicKey) }
            try await body(mailbox, continuation)
            continuation.finish()
            try await group.waitForAll()
        }
    }

    @Test func messagesFiledBeforeTheTakerAreTakenInOrderAndOthersAreCounted() async throws {
        try await withMailbox { mailbox, events in
            let stranger = KeyPair(secretKey: .generate())
            events.yield(inbound("one", from: bot))
            events.yield(inbound("not for the mailbox", from: stranger))
            events.yield(inbound("two", from: bot))
            let deadline = Date().addingTimeInterval(10)
            while mailbox.filed < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(await mailbox.next(timeout: .seconds(1))?.text == "one")
            #expect(await mailbox.next(timeout: .seconds(1))?.text == "two")
            #expect(mailbox.notFiled.otherSenders == 1)
            #expect(mailbox.filed == 2)
        }
    }

    /// The taker waits for the arrival itself: with a 30 s timeout, an answer yielded 50 ms into the wait is taken
    /// long before the timeout, stamped when it arrived.
    @Test func aWaitingTakerGetsTheMessageWhenItArrives() async throws {
        try await withMailbox { mailbox, events in
            let waitStarted = ContinuousClock.now
            async let taken = mailbox.next(timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(50))
            let sent = DispatchTime.now().uptimeNanoseconds
            events.yield(inbound("late", from: bot))
            let answer = await taken
            #expect(answer?.text == "late")
            #expect((answer?.arrivedNanos ?? 0) >= sent)
            #expect(ContinuousClock.now - waitStarted < .seconds(10), "the wait ended by the arrival, not the timeout")
        }
    }

    /// A timeout gives `nil` and leaves nothing registered: the next message goes to the next taker.
    @Test func aTimeoutGivesNothingAndLosesNothingThatComesLater() async throws {
        try await withMailbox { mailbox, events in
            let started = ContinuousClock.now
            #expect(await mailbox.next(timeout: .milliseconds(100)) == nil)
            #expect(ContinuousClock.now - started >= .milliseconds(100))
            events.yield(inbound("after the timeout", from: bot))
            #expect(await mailbox.next(timeout: .seconds(10))?.text == "after the timeout")
        }
    }

    /// A taker whose task is cancelled gets `nil` at once, not at its timeout, and the mailbox takes the next taker.
    @Test(.timeLimit(.minutes(1))) func aCancelledTakerGetsNothingAtOnce() async throws {
        try await withMailbox { mailbox, events in
            let started = ContinuousClock.now
            let taker = Task { await mailbox.next(timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(50))
            taker.cancel()
            #expect(await taker.value == nil)
            #expect(ContinuousClock.now - started < .seconds(10), "the cancelled wait ended at its timeout")
            events.yield(inbound("for the next taker", from: bot))
            #expect(await mailbox.next(timeout: .seconds(10))?.text == "for the next taker")
        }
    }

    /// Many messages taken one by one come out complete and in order (the taken ones are dropped in halves).
    @Test func aLongRunComesOutInOrder() async throws {
        try await withMailbox { mailbox, events in
            let count = 3_000
            for index in 0..<count { events.yield(inbound("m\(index)", from: bot)) }
            var texts: [String] = []
            while texts.count < count, let item = await mailbox.next(timeout: .seconds(10)) { texts.append(item.text) }
            #expect(texts == (0..<count).map { "m\($0)" })
        }
    }
}
