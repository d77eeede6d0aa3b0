import CLISupport
import Dispatch
import Foundation
import NostrCore
import NostrIngress

/// The operator's side of `bench e2e`: builds DMs to the bot, publishes them on its relay pool and takes the bot's
/// answers from an ``AnswerMailbox``, with arrival times in uptime nanoseconds.
struct OperatorClient: Sendable {
    enum Scheme: String, Sendable { case nip04, nip17 }

    let keys: KeyPair
    let bot: PublicKey
    let pool: RelayPool
    let mailbox: AnswerMailbox
    private let sharedKey: [UInt8]

    init(keys: KeyPair, bot: PublicKey, pool: RelayPool, mailbox: AnswerMailbox) {
        (self.keys, self.bot, self.pool, self.mailbox) = (keys, bot, pool, mailbox)
        sharedKey = NIP04.sharedKey(secretKey: keys.secretKey, publicKey: bot)
    }

    /// A DM to the bot. NIP-17 texts must differ: a rumor's id has no randomness.
    func dm(_ text: String, _ scheme: Scheme) throws -> Event {
        let now = Int64(Date().timeIntervalSince1970)
        switch scheme {
        case .nip04: return NIP04.message(text, author: keys, recipient: bot, now: now, sharedKey: sharedKey)
        case .nip17: return try NIP17.message(text, author: keys, recipient: bot, now: now).toRecipient
        }
    }

    /// Publishes `event`; fails when the relay did not accept it.
    func publish(_ event: Event) async throws {
        let report = await pool.publish(event, deadline: .seconds(10))
        guard !report.accepted.isEmpty else { throw CLIError("the relay did not accept a DM: \(report)") }
    }

    /// Publishes every event, `width` at a time.
    func publishAll(_ events: [Event], width: Int = 64) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, event) in events.enumerated() {
                if index >= width { try await group.next() }
                group.addTask { try await publish(event) }
            }
            try await group.waitForAll()
        }
    }

    /// One DM and its answer: milliseconds from publishing to the answer's arrival.
    func roundTrip(_ text: String, _ scheme: Scheme) async throws -> Double {
        let event = try dm(text, scheme)
        let sent = DispatchTime.now().uptimeNanoseconds
        try await publish(event)
        guard let answer = await mailbox.next(timeout: .seconds(10)) else {
            throw CLIError("no answer within 10 s to \"\(text)\" (\(scheme.rawValue))")
        }
        return Double(answer.arrivedNanos - sent) / 1e6
    }

    /// The next `count` answers (within `timeout` in all); fails with how many came.
    func answers(_ count: Int, timeout: Duration) async throws -> [(text: String, arrivedNanos: UInt64)] {
        let deadline = ContinuousClock.now + timeout
        var received: [(text: String, arrivedNanos: UInt64)] = []
        while received.count < count {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let answer = await mailbox.next(timeout: left) else {
                throw CLIError("only \(received.count) of \(count) answers arrived within \(timeout)")
            }
            received.append(answer)
        }
        return received
    }
}
