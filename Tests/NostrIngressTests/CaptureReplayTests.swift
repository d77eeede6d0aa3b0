import Foundation
import Logging
import NostrCore
import Testing

@testable import Bot
@testable import NostrIngress

/// Replays real captured traffic (see `Captures/README.md`) through the same deduplication and inbox as live relays.
@Suite struct CaptureReplayTests {
    static let bot = try! SecretKey(bytes: [UInt8](repeating: 0x11, count: 32))
    static let alice = try! SecretKey(bytes: [UInt8](repeating: 0x22, count: 32))

    static func frames() throws -> [CapturedFrame] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Captures/two-relays-dms.jsonl")
        return try CaptureReader.parse(Data(contentsOf: url))
    }

    @Test func replayDeduplicatesAcrossRelaysAndCountsMalformedFrames() throws {
        let (events, summary) = CaptureReplay(frames: try Self.frames()).events()
        #expect(summary == CaptureReplay.Summary(frames: 13, events: 4, duplicates: 4, malformed: 1, other: 4))
        #expect(events.map(\.event.kind) == [4, 1059, 1059, 4])
        #expect(events.allSatisfy { $0.relay == "ws://127.0.0.1:17791" })
    }

    @Test func replayThroughTheInboxGivesTheSameMessagesAndDropsTheForgery() async throws {
        let frames = try Self.frames()
        let (events, _) = CaptureReplay(frames: frames).events()
        let captureTime = Int64(frames[0].receivedAt)
        let inbox = try InboxPipeline.listener(
            secretKey: Self.bot, store: try InboxStore(path: temporaryStorePath()), lookback: 600,
            now: captureTime, logger: Logger(label: "test"))
        var messages: [DirectMessage] = []
        for inbound in events {
            if case .deliver(let message) = await inbox.admit(inbound.event, now: captureTime) {
                try await inbox.acknowledge(message, now: captureTime)
                messages.append(message)
            }
        }
        #expect(messages.map(\.text) == ["close timmy-config#12 fixed upstream", "merge timmy-config!7 squash", "close tc#1"])
        #expect(messages[0].sender == Self.alice.publicKey && messages[1].sender == Self.alice.publicKey)
        #expect(messages[2].sender != Self.alice.publicKey)
        #expect(messages.map(\.scheme) == [.nip04, .nip17, .nip04])
        #expect(await inbox.counts.filter { $0.key != "deliver" && $0.key != "duplicate" } == ["forged_wrap": 1])
        // Replaying the same capture again delivers nothing new.
        for inbound in events {
            if case .deliver = await inbox.admit(inbound.event, now: captureTime) { Issue.record("re-delivered \(inbound.event.id)") }
        }
    }

    @Test func malformedCaptureLinesAreErrorsWithLineNumbers() {
        #expect(throws: CaptureError(description: "capture line 2 is not {\"relay\",\"received_at\",\"frame\"}")) {
            try CaptureReader.parse(Data("{\"relay\":\"ws://a\",\"received_at\":1,\"frame\":\"x\"}\nnot json\n".utf8))
        }
        // A time no clock can hold is refused on reading (replay once trapped converting it to whole seconds).
        for time in ["1e300", "-1", "100000000000"] {
            #expect(throws: CaptureError.self) {
                try CaptureReader.parse(Data("{\"relay\":\"ws://a\",\"received_at\":\(time),\"frame\":\"x\"}".utf8))
            }
        }
    }
}
