import Foundation
import HummingbirdWebSocket
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// A relay that attacks its clients: on the first connection that opens the bot's inbox subscription, it sends the
/// battery of hostile frames issue #11 lists, then a frame over the 1 MiB limit (which ends the connection); other
/// connections get nothing. Frames no real relay sends on demand, so an in-process double. Test-only.
enum HostileRelay {
    /// What was sent, for the test's report.
    final class Log: Sendable {
        let framesSent = NIOLockedValueBox(0)
        let connections = NIOLockedValueBox(0)
        let batteryDone = NIOLockedValueBox(false)
        let batteryStarted = NIOLockedValueBox(false)
        let port = NIOLockedValueBox<Int?>(nil)
    }

    /// The battery, in order. `subscription` is one the client really opened.
    static func battery(subscription: String) -> [WebSocketOutboundWriter.OutboundFrame] {
        var frames: [WebSocketOutboundWriter.OutboundFrame] = []
        let hex64 = String(repeating: "a", count: 64)
        let sig = String(repeating: "b", count: 128)
        // Oversized numbers, where the scanner once trapped.
        for number in ["9999999999999999999", "99999999999999999999999999999999", "-9223372036854775809", "1e400", "18446744073709551616"] {
            frames.append(.text(#"["EVENT","\#(subscription)",{"created_at":\#(number)}]"#))
            frames.append(
                .text(
                    #"["EVENT","\#(subscription)",{"id":"\#(hex64)","pubkey":"\#(hex64)","created_at":\#(number),"kind":4,"tags":[],"content":"x","sig":"\#(sig)"}]"#
                ))
            frames.append(
                .text(
                    #"["EVENT","\#(subscription)",{"id":"\#(hex64)","pubkey":"\#(hex64)","created_at":1,"kind":\#(number),"tags":[],"content":"x","sig":"\#(sig)"}]"#
                ))
        }
        // Arrays nested 100,000 deep, inside and outside an event.
        frames.append(.text(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)))
        frames.append(
            .text(#"["EVENT","\#(subscription)",{"tags":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}]"))
        // Invalid UTF-8 in a text frame.
        frames.append(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: [0x5b, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x5d]))))
        // 100,000 tags on a (badly signed) event.
        let tags = Array(repeating: #"["t"]"#, count: 100_000).joined(separator: ",")
        frames.append(
            .text(
                #"["EVENT","\#(subscription)",{"id":"\#(hex64)","pubkey":"\#(hex64)","created_at":1,"kind":4,"tags":[\#(tags)],"content":"x","sig":"\#(sig)"}]"#
            ))
        // Floods for subscriptions the client never opened.
        for index in 0..<20_000 {
            frames.append(.text(#"["CLOSED","never-\#(index)","rate-limited: slow down"]"#))
            frames.append(.text(#"["EOSE","never-\#(index)"]"#))
        }
        // One "character" of 300,000 combining marks as a subscription id.
        frames.append(.text(#"["EOSE","a"# + String(repeating: "\u{0301}", count: 300_000) + #""]"#))
        // 20,000 NOTICEs, some long.
        for index in 0..<20_000 {
            frames.append(.text(#"["NOTICE","flood \#(index) "# + (index % 100 == 0 ? String(repeating: "n", count: 50_000) : "") + #""]"#))
        }
        return frames
    }

    /// Runs on 127.0.0.1 until cancelled; `onPort` gets the port once bound.
    static func run(log: Log, onPort: @escaping @Sendable (Int) async -> Void) async throws {
        try await LoopbackWebSocketDouble.run(
            label: "test.hostile-relay", maxFrameSize: 1 << 22,
            session: { inbound, outbound in
                log.connections.withLockedValue { $0 += 1 }
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    // The bot's inbox subscription (its pool connection), once: not its short lookups, which
                    // close after their own timeout and could cut the battery short on a slow (TSan) run.
                    guard case .text(let text) = message, text.hasPrefix(#"["REQ","inbox-"#) else { continue }
                    guard
                        log.batteryStarted.withLockedValue({ started in
                            defer { started = true }
                            return !started
                        })
                    else { continue }
                    let subscription = String(text.dropFirst(8).prefix { $0 != "\"" })
                    for frame in battery(subscription: subscription) {
                        try await outbound.write(frame)
                        log.framesSent.withLockedValue { $0 += 1 }
                    }
                    log.batteryDone.withLockedValue { $0 = true }
                    // Over the client's 1 MiB message limit: the client must drop the connection, not grow.
                    try await outbound.write(.text(#"["NOTICE",""# + String(repeating: "x", count: 1_600_000) + #""]"#))
                    log.framesSent.withLockedValue { $0 += 1 }
                }
            }, onPort: onPort)
    }
}
