import Foundation
import Logging
import NostrCore
import TestSupport
import Testing

@testable import Bot
@testable import NostrIngress

/// `operator-gate dm send` and `dm listen` against rust-nostr over two real relays, in both schemes; the listen
/// capture then replays through the same inbox.
@Suite(.serialized) struct DMCommandTests {
    struct Line: Decodable, Equatable {
        let id: String
        let from: String
        let scheme: String
        let created_at: Int64
        let text: String
        let relays: [String]
    }

    static func run(timeout: TimeInterval = 30, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await OperatorGateProcess.run(arguments, timeout: timeout)
    }

    @Test func listenAndSendInteroperateWithRustNostr() async throws {
        let local = try RelayProcess(.localRelay())
        let python = try RelayProcess(.nostrRelay())
        let peer = try RustNostrPeer()
        let bot = SecretKey.generate()
        let alice = SecretKey.generate()
        let relayArguments = ["--relay", local.url, "--relay", python.url]
        let capture = ScratchDirectory.root.appendingPathComponent("og-capture-\(UUID().uuidString).jsonl").path

        // dm listen, in the background, while rust-nostr sends one DM in each scheme to both relays.
        async let listened = Task {
            try await Self.run(
                timeout: 90,
                ["dm", "listen", "--sec", bot.nsec, "--count", "2", "--timeout", "60", "--capture", capture, "--verbose"] + relayArguments)
        }.value
        try await Task.sleep(for: .seconds(2))
        try peer.call([
            "op": "client_send", "sec": alice.hex, "to": bot.publicKey.npub, "text": "show tc#4", "scheme": "nip04", "relays": [local.url, python.url]
        ])
        try peer.call([
            "op": "client_send", "sec": alice.hex, "to": bot.publicKey.npub, "text": "whoami\nsecond line", "scheme": "nip17",
            "relays": [local.url, python.url]
        ])
        let result = try await listened
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
        #expect(lines.count == 2)
        #expect(Set(lines.map { "\($0.scheme):\($0.text)" }) == ["nip04:show tc#4", "nip17:whoami\nsecond line"])
        #expect(lines.allSatisfy { $0.from == alice.publicKey.hex })
        #expect(lines.allSatisfy { Set($0.relays) == Set([local.url, python.url]) }, "\(lines.map(\.relays))")

        // The capture replays through the inbox to the same two messages.
        let frames = try CaptureReader.read(path: capture)
        #expect(frames.count >= 4)
        let (events, summary) = CaptureReplay(frames: frames).events()
        #expect(summary.duplicates >= 2)
        let inbox = try InboxPipeline.listener(
            secretKey: bot, store: try InboxStore(path: temporaryStorePath()), lookback: 600,
            now: Int64(Date().timeIntervalSince1970), logger: Logger(label: "test"))
        var replayed: [String] = []
        for inbound in events {
            if case .deliver(let message) = await inbox.admit(inbound.event, now: Int64(Date().timeIntervalSince1970)) {
                replayed.append(message.text)
            }
        }
        #expect(Set(replayed) == ["show tc#4", "whoami\nsecond line"])

        // dm send in both schemes; rust-nostr fetches and decrypts.
        for scheme in ["--nip04", "--nip17"] {
            let sent = try await Self.run(
                timeout: 30, ["dm", "send", "--sec", bot.hex, "--to", alice.publicKey.npub, "--text", "reply \(scheme)", scheme] + relayArguments)
            #expect(sent.status == 0, "\(sent.stderr)")
            struct Sent: Decodable {
                let id: String
                let accepted: [String]
                let rejected: [String: String]
            }
            let report = try JSONDecoder().decode(Sent.self, from: Data(sent.stdout.utf8))
            #expect(Set(report.accepted) == Set([local.url, python.url]))
            #expect(report.rejected.isEmpty)
        }
        let fetched = try peer.call([
            "op": "client_fetch", "sec": alice.hex, "relays": [local.url], "since": Int(Date().timeIntervalSince1970) - 3 * 86400, "timeout": 5
        ])
        #expect(Set((fetched.messages ?? []).map { "\($0.scheme):\($0.text)" }) == ["nip04:reply --nip04", "nip17:reply --nip17"])
    }

    /// Without `--relay`, `dm send` looks up the recipient's kind 10050 on the list's relays and a discovery relay and
    /// sends there (an AUTH-requiring relay outside the list), as NIP-17 clients do; rust-nostr reads it there alone.
    /// A recipient without lists gets the list's write relays.
    @Test func sendWithoutRelayFollowsTheRecipientsInboxList() async throws {
        let own = try RelayProcess(.localRelay())
        let discovery = try RelayProcess(.localRelay())
        let inbox = try RelayProcess(.localRelay(nip42: "both"))
        let peer = try RustNostrPeer()
        let (sender, alice, nobody) = (SecretKey.generate(), SecretKey.generate(), SecretKey.generate())
        try peer.call(["op": "client_publish", "sec": alice.hex, "kind": 10050, "tags": [["relay", inbox.url]], "relays": [discovery.url]])
        let list = ScratchDirectory.root.appendingPathComponent("og-relays-\(UUID().uuidString).json").path
        try #"{"relays": [{"url": "\#(own.url)"}]}"#.write(toFile: list, atomically: true, encoding: .utf8)
        let common = ["--sec", sender.hex, "--relays", list, "--discovery-relay", discovery.url, "--timeout", "10"]
        let (status, out, errors) = try await Self.run(["dm", "send", "--to", alice.publicKey.npub, "--text", "via inbox"] + common)
        #expect(status == 0, "\(out)\(errors)")
        let answer = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        #expect(answer?["route"] as? String == "inboxList" && answer?["relays"] as? [String] == [inbox.url], "\(out)")
        #expect(answer?["accepted"] as? [String] == [inbox.url], "\(out)")
        let since = Int(Date().timeIntervalSince1970) - 3 * 86400
        let fetched = try peer.call(["op": "client_fetch", "sec": alice.hex, "relays": [inbox.url], "since": since, "timeout": 3])
        #expect(fetched.messages?.map(\.text) == ["via inbox"])

        let (fallback, plain, _) = try await Self.run(["dm", "send", "--to", nobody.publicKey.hex, "--text", "no lists", "--nip04"] + common)
        #expect(fallback == 0 && plain.contains(#""route":"writeRelays""#) && plain.contains(#""accepted":["\#(own.url)"]"#), "\(plain)")
    }

    @Test func listenTimesOutWithExitCode2AndSendFailsWithoutRelays() async throws {
        let relay = try RelayProcess(.localRelay())
        let bot = SecretKey.generate()
        let listened = try await Self.run(timeout: 30, ["dm", "listen", "--sec", bot.hex, "--relay", relay.url, "--count", "1", "--timeout", "1"])
        #expect(listened.status == 2)
        #expect(listened.stdout.isEmpty)
        let dead = "ws://127.0.0.1:\(try FreePort.find())"
        let sent = try await Self.run(
            timeout: 30, ["dm", "send", "--sec", bot.hex, "--to", bot.publicKey.hex, "--text", "x", "--relay", dead, "--timeout", "2"])
        #expect(sent.status == 1)
        #expect(sent.stderr.contains("no relay accepted"))
        let bad = try await Self.run(
            timeout: 30, ["dm", "send", "--sec", bot.hex, "--to", bot.publicKey.hex, "--text", "x", "--relay", "https://nope"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("relays[0] \"https://nope\": scheme must be ws or wss"), "\(bad.stderr)")
    }
}
