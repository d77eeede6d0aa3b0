import Bot
import CLISupport
import CSecp256k1Bench
import Dispatch
import Encoding
import Foundation
import Gate
import GiteaSimulator
import Logging
import LoopbackRelay
import NostrCore
import NostrIngress

extension PipelineBenchmark {
    /// What every phase shares: the keys, the operator, `count` authorized NIP-04 frames, a scratch directory.
    final class Fixture: Sendable {
        let bot = SecretKey.generate()
        let alice = SecretKey.generate()
        let now = Int64(Date().timeIntervalSince1970)
        let quiet = Logger.quiet("bench")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("operator-gate-bench-\(UUID().uuidString.prefix(8))")
        let limits: BotConfiguration.Limits
        let op: Operator
        let sharedKey: [UInt8]
        let frames: [String]

        init(count: Int) throws {
            var limits = BotConfiguration.Limits()
            limits.commandsPerMinute = 100_000_000
            self.limits = limits
            op = Operator(
                publicKey: alice.publicKey, name: "alice", repositories: ["ops/*"], actions: Set(GateAction.allCases),
                defaultRepository: try Repository("ops/tc"), aliases: [:])
            let sharedKey = NIP04.sharedKey(secretKey: alice, publicKey: bot.publicKey)
            self.sharedKey = sharedKey
            let (alice, bot, now) = (alice, bot, now)
            frames = (0..<count).map { index in
                RelayMessage.event(
                    subscriptionID: "inbox-nip04",
                    event: NIP04.message(
                        "show #\(index + 1)", author: alice.keyPair, recipient: bot.publicKey, now: now, sharedKey: sharedKey)
                ).jsonString
            }
        }

        /// A fresh pipeline on a fresh inbox store.
        func makePipeline() throws -> InboxPipeline {
            try InboxPipeline(
                decoder: DirectMessageDecoder(keys: ConversationKeyCache(secretKey: bot)),
                store: try InboxStore(path: scratch.appendingPathComponent("inbox-\(UUID().uuidString.prefix(8)).sqlite").path),
                senders: .operators([op], replyToStrangers: false), limits: limits, now: now, logger: quiet)
        }
    }

    static func microseconds(since start: UInt64, per count: Int) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1000 / Double(count)
    }

    /// Inbox throughput: what BotService does with each frame (parse and prepare on `width` workers, admit in
    /// order), over a fresh pipeline each time, in five rounds: the C bound, then one worker, then one per core,
    /// back to back. This VM's speed moves within seconds (the C bound measured apart from the one-worker rate gave
    /// ratios of 0.59 to 1.03 in four runs), so each round's ratios compare figures taken within a second, and the
    /// report gives their median; the rates are the best of the rounds.
    func measureThroughput(_ fixture: Fixture, into report: inout Report) async throws {
        func authorizedRate(width: Int) async throws -> Double {
            let pipeline = try fixture.makePipeline()
            let (input, feed) = AsyncStream.makeStream(of: String.self)
            for frame in fixture.frames { feed.yield(frame) }
            feed.finish()
            let stage = OrderedParallelMap(width: width) { (frame: String) -> PreparedEvent? in
                guard case .event(_, let event) = try? RelayMessage.parse(frame) else { return nil }
                return pipeline.prepare(event)
            }
            var executed = 0
            let start = DispatchTime.now().uptimeNanoseconds
            let now = fixture.now
            await stage.run(input) { prepared in
                if let prepared, case .execute = await pipeline.admit(prepared, now: now) { executed += 1 }
                return true
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            precondition(executed == count, "only \(executed) of \(count) authorized DMs reached the command stage")
            return Double(count) / elapsed
        }
        report.workers = ProcessInfo.processInfo.activeProcessorCount
        guard let frame = fixture.frames.first, case .event(_, let sample) = try RelayMessage.parse(frame) else {
            throw CLIError("the fixture has no sample event")
        }
        for _ in 0..<5 {
            let bound = try cBound(fixture, sample: sample)
            let one = try await authorizedRate(width: 1)
            let all = try await authorizedRate(width: report.workers)
            report.cBoundPerSecond = max(report.cBoundPerSecond, bound)
            report.authorizedOneWorker = max(report.authorizedOneWorker, one)
            report.authorizedPerSecond = max(report.authorizedPerSecond, all)
            report.oneWorkerRatios.append(one / bound)
            report.allWorkersRatios.append(all / bound)
        }
    }

    /// Where one DM's time goes, step by step on one core; and inside them, the decoder alone (verify + decrypt)
    /// and the command language alone.
    func measureSteps(_ fixture: Fixture, _ pipeline: InboxPipeline, into report: inout Report) async throws {
        var parsed: [Event] = []
        parsed.reserveCapacity(count)
        let start = DispatchTime.now().uptimeNanoseconds
        for frame in fixture.frames {
            guard case .event(_, let event) = try RelayMessage.parse(frame) else { continue }
            parsed.append(event)
        }
        report.parseMicros = Self.microseconds(since: start, per: count)
        let prepareStart = DispatchTime.now().uptimeNanoseconds
        let prepared = parsed.map { pipeline.prepare($0) }
        report.prepareMicros = Self.microseconds(since: prepareStart, per: count)
        let admitStart = DispatchTime.now().uptimeNanoseconds
        var executed = 0
        for event in prepared {
            if case .execute = await pipeline.admit(event, now: fixture.now) { executed += 1 }
        }
        report.admitMicros = Self.microseconds(since: admitStart, per: count)
        precondition(executed == count, "only \(executed) of \(count) authorized DMs reached the command stage")

        let decoder = DirectMessageDecoder(keys: ConversationKeyCache(secretKey: fixture.bot))
        let decodeStart = DispatchTime.now().uptimeNanoseconds
        var texts: [String] = []
        for event in parsed { if let message = try? decoder.decode(event) { texts.append(message.text) } }
        report.decodeMicros = Self.microseconds(since: decodeStart, per: count)
        let grammar = CommandGrammar(context: .init(defaultRepository: fixture.op.defaultRepository))
        let grammarStart = DispatchTime.now().uptimeNanoseconds
        for text in texts { _ = grammar.parse(text, source: "nostr:x", origin: nil, receivedAt: fixture.now) }
        report.grammarMicros = Self.microseconds(since: grammarStart, per: count)
    }

    /// Strangers' kind-4 frames through what a relay connection of the bot does with each: the prescreen, then
    /// (if it lets the frame through) the full decode and the pipeline.
    func measureStrangers(_ fixture: Fixture, _ pipeline: InboxPipeline, into report: inout Report) async throws {
        let strangers = (0..<100).map { _ in SecretKey.generate().keyPair }
        let strangerFrames = (0..<min(strangerCount, 20_000)).map { index in
            // Encrypted under alice's key: the content is never opened, the prescreen drops these first.
            RelayMessage.event(
                subscriptionID: "inbox-nip04",
                event: NIP04.message(
                    "close #\(index)", author: strangers[index % 100], recipient: fixture.bot.publicKey, now: fixture.now,
                    sharedKey: fixture.sharedKey)
            ).jsonString
        }
        var dropped = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<strangerCount {
            let frame = strangerFrames[index % strangerFrames.count]
            if let summary = EventPrescreen.summary(frame), !pipeline.accepts(summary) {
                dropped += 1
                continue
            }
            guard case .event(_, let event) = try RelayMessage.parse(frame) else { continue }
            if case .drop = await pipeline.admit(event, now: fixture.now) { dropped += 1 }
        }
        report.strangersPerSecond = Double(strangerCount) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        precondition(dropped == strangerCount, "a stranger's event was not dropped")
    }

    /// The C bound: 1 / (direct C verify + one cached-key NIP-04 decrypt), per second; best of five batches of 2,000.
    func cBound(_ fixture: Fixture, sample event: Event) throws -> Double {
        guard let id = Hex.decode(event.id), let sig = Hex.decode(event.sig) else { throw CLIError("the sample event has no hex id or sig") }
        let author = fixture.alice.publicKey.bytes
        var cVerify = Double.infinity
        var decrypt = Double.infinity
        for _ in 0..<5 {
            cVerify = min(cVerify, og_bench_c_verify(sig, id, author, 2000) / 1000)
            let begin = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<2000 { _ = try NIP04.decrypt(event.content, sharedKey: fixture.sharedKey) }
            decrypt = min(decrypt, Self.microseconds(since: begin, per: 2000))
        }
        return 1e6 / (cVerify + decrypt)
    }
}
