import ArgumentParser
import Bot
import CLISupport
import Foundation
import Logging
import NostrCore
import NostrIngress

/// `operator-gate dm send|listen`: direct messages over real relays.
struct DMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dm", abstract: "Send or receive direct messages (NIP-04 or NIP-17) over relays.",
        subcommands: [Send.self, Listen.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send one DM; print {\"id\",\"accepted\":[urls],\"rejected\":{url:reason}}. Exit 0 if a relay accepted it.")
        @OptionGroup var key: SecretKeyOptions
        @Option(help: "The recipient (hex, npub or nprofile).") var to: String
        @Option(help: "The message text.") var text: String
        @Flag(name: .customLong("nip04"), help: "Send a kind-4 NIP-04 DM.") var nip04 = false
        @Flag(name: .customLong("nip17"), help: "Send a NIP-17 gift-wrapped DM, plus a copy to the sender (default).") var nip17 = false
        @Option(help: "Seconds to keep retrying before giving up.") var timeout: Double = 20
        @Option(
            name: .customLong("discovery-relay"),
            help: "Also look up the recipient's relay lists here (repeat for several); only without --relay.")
        var discoveryRelays: [String] = []
        @OptionGroup var relayOptions: RelayOptions

        func validate() throws {
            for url in discoveryRelays where RelayList.normalizedURL(url) == nil {
                throw ValidationError("--discovery-relay \(url) is not a ws:// or wss:// relay address")
            }
            guard !(nip04 && nip17) else { throw ValidationError("choose one of --nip04 or --nip17") }
            guard timeout > 0, timeout <= 31_536_000 else { throw ValidationError("--timeout must be 0 to 31536000 seconds") }
        }

        func run() async throws {
            try await runAsyncTool {
                let author = KeyPair(secretKey: try key.secretKey())
                let recipient = try parsePublicKey(to, option: "--to")
                let list = try relayOptions.relayList(requireWrite: true)
                let now = Int64(Date().timeIntervalSince1970)
                var events: [Event] = []
                var idFields: [(String, JSONOutput)] = []
                if nip04 {
                    events = [NIP04.message(text, author: author, recipient: recipient, now: now)]
                    idFields = [("id", .string(events[0].id))]
                } else {
                    let message: NIP17.Outgoing
                    do { message = try NIP17.message(text, author: author, recipient: recipient, now: now) } catch {
                        throw CLIError("message too long for NIP-17: \(error)")
                    }
                    events = [message.toRecipient, message.toSelf]
                    idFields = [
                        ("id", .string(message.toRecipient.id)), ("rumor_id", .string(message.rumor.id)),
                        ("self_copy_id", .string(message.toSelf.id))
                    ]
                }
                let logger = relayOptions.logger(label: "operator-gate.dm-send")
                let (reports, routeFields) = try await publish(events, author: author, recipient: recipient, list: list, logger: logger)
                let main = reports[0]
                StandardIO.printLine(
                    JSONOutput.object(
                        idFields + routeFields + [
                            ("accepted", .array(main.accepted.map { .string($0) })),
                            ("rejected", .object(main.rejected.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
                        ]
                    ).text)
                guard main.succeeded else { throw CLIError("no relay accepted the message") }
            }
        }
    }

    struct Listen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each DM addressed to the given key as one JSON line, deduplicated across relays.",
            discussion: "Exit 0 when --count messages arrived, 2 when --timeout passed with fewer.")
        @OptionGroup var key: SecretKeyOptions
        @Option(help: "Only messages whose own time is at most this many seconds old.") var since: Int64 = 600
        @Option(help: "Only messages from this sender (hex, npub or nprofile).") var from: String?
        @Option(help: "Stop after this many messages.") var count: Int?
        @Option(help: "Stop after this many seconds.") var timeout: Double?
        @Option(help: "Append every inbound frame to this JSONL file.") var capture: String?
        @OptionGroup var relayOptions: RelayOptions

        func validate() throws {
            guard (0...315_360_000).contains(since) else { throw ValidationError("--since must be 0 to 315360000 seconds (ten years)") }
            if let count { guard count > 0 else { throw ValidationError("--count must be positive") } }
            if let timeout { guard timeout > 0, timeout <= 31_536_000 else { throw ValidationError("--timeout must be 0 to 31536000 seconds") } }
        }

        func run() async throws {
            var completed = false
            try await runAsyncTool {
                let secret = try key.secretKey()
                let sender = try from.map { try parsePublicKey($0, option: "--from") }
                let list = try relayOptions.relayList(requireRead: true)
                let frameCapture: FrameCapture?
                do { frameCapture = try capture.map { try FrameCapture(path: $0) } } catch {
                    throw CLIError("--capture: cannot open \(capture!): \(error.localizedDescription)")
                }
                defer { frameCapture?.close() }
                let now = Int64(Date().timeIntervalSince1970)
                let logger = relayOptions.logger(label: "operator-gate.dm-listen")
                // The bot's inbox pipeline with the "anyone" policy: the same decoding, deduplication (in memory,
                // nothing persisted) and age window as the bot's, every sender's message delivered.
                let pipeline = try InboxPipeline.listener(secretKey: secret, store: nil, lookback: since, now: now, logger: logger)
                let pool = RelayPool(relays: list, keyPair: KeyPair(secretKey: secret), capture: frameCapture, logger: logger) {
                    pipeline.subscriptions(now: now)
                }
                let wanted = count
                let timeout = self.timeout
                completed = await withTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        await pool.run()
                        return false
                    }
                    if let timeout {
                        group.addTask {
                            try? await Task.sleep(for: .seconds(timeout))
                            return false
                        }
                    }
                    group.addTask {
                        var total = 0
                        for await inbound in pool.events {
                            guard case .deliver(let message) = await pipeline.admit(inbound.event, now: Int64(Date().timeIntervalSince1970)),
                                sender.map({ $0 == message.sender }) ?? true
                            else { continue }
                            // Let copies from the other relays arrive, so the line lists every relay that had it.
                            try? await Task.sleep(for: .milliseconds(250))
                            let relays = await pool.relays(seenFor: inbound.event.id)
                            StandardIO.printLine(
                                JSONOutput.object([
                                    ("id", .string(message.id)), ("from", .string(message.sender.hex)),
                                    ("scheme", .string(message.scheme.rawValue)), ("created_at", .int(message.createdAt)),
                                    ("text", .string(message.text)), ("relays", .array(relays.map { .string($0) }))
                                ]).text)
                            total += 1
                            if let wanted, total >= wanted { return true }
                        }
                        return false
                    }
                    let first = await group.next() ?? false
                    group.cancelAll()
                    return first
                }
            }
            if count != nil && !completed { throw ExitCode(2) }
        }
    }
}
