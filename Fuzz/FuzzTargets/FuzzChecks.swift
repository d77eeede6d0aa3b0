import Bot
import Encoding
import Foundation
import Gate
import NostrCore
import NostrIngress

/// The body of each ``FuzzTarget``: decode, and check what must hold for every input. A failed check traps
/// (`preconditionFailure`), which libFuzzer reports as a crash with the input that caused it.
enum FuzzChecks {
    /// Fixed keys: the bot, an operator, and a one-time wrap key (any valid keys do; fixed keeps runs repeatable).
    static let bot = try! SecretKey(bytes: Array(repeating: 0x11, count: 32))
    static let sender = try! SecretKey(bytes: Array(repeating: 0x22, count: 32))
    static let ephemeral = try! SecretKey(bytes: Array(repeating: 0x33, count: 32))
    static let keys = ConversationKeyCache(secretKey: bot, capacity: 8)
    static let nip04Key = NIP04.sharedKey(secretKey: bot, publicKey: sender.publicKey)
    static let nip44Key = NIP44.conversationKey(secretKey: bot, publicKey: sender.publicKey)

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { preconditionFailure(message()) }
    }

    /// The fast paths never disagree with the full decoder: whatever the EVENT scanner takes, the decoder takes
    /// with the same result; whenever the prescreen names a kind and author and the decoder reads an event, they
    /// are that event's (the prescreen drops strangers' DMs on its word alone).
    static func relayFrame(_ data: Data) {
        let frame = text(data)
        let full = try? RelayMessage.decodeFully(frame)
        let parsed = try? RelayMessage.parse(frame)
        if let (subscriptionID, event) = EventFrameScanner.scan(frame) {
            check(full == .event(subscriptionID: subscriptionID, event: event), "scanner and decoder disagree")
            check(parsed == full, "parse differs from the decoder")
        } else {
            check(parsed == full, "parse differs from the decoder without the fast path")
        }
        if let summary = EventPrescreen.summary(frame), case .event(_, let event)? = full {
            check(summary.kind == event.kind && summary.pubkey == event.pubkey, "prescreen disagrees with the decoder")
        }
        var session = RelaySessionStateMachine()
        _ = session.connected(subscriptions: ["inbox-nip04": [Filter(kinds: [4])]])
        for action in session.receive(frame, now: .now) {
            switch action {
            case .notice(let text), .subscriptionClosed(_, let text):
                check(text.utf8.count <= RelaySessionStateMachine.maximumTextBytes + 3, "relay text not bounded")
            default: break
            }
        }
        if let full { check((try? RelayMessage.parse(full.jsonString)) == full, "a decoded frame does not survive re-encoding") }
        if case .event(_, let event)? = full { relayLists(event) }
    }

    /// An event's tags read as both relay-list kinds (issue #14: other people's lists pick where answers go): bounded,
    /// and every URL that normalizes is a fixed point of normalization (a cached list compares equal to itself).
    static func relayLists(_ event: Event) {
        func `as`(_ kind: Int) -> Event {
            Event(id: event.id, pubkey: event.pubkey, createdAt: event.createdAt, kind: kind, tags: event.tags, content: "", sig: event.sig)
        }
        let inbox = RelayListEvent.inboxRelays(in: `as`(RelayListEvent.inboxKind))
        let entries = RelayListEvent.entries(in: `as`(RelayListEvent.relayListKind))
        for urls in [inbox, entries.map(\.url)] {
            check(urls.count <= RelayListEvent.maximumRelays, "a relay list read past its bound")
            check(urls.allSatisfy { $0.utf8.count <= RelayListEvent.maximumURLBytes }, "a relay URL read past its bound")
            check(Set(urls).count == urls.count, "a relay list read a URL twice")
        }
        for url in inbox + entries.map(\.url) {
            guard let normalized = RelayList.normalizedURL(url) else { continue }
            check(RelayList.normalizedURL(normalized) == normalized, "relay URL normalization is not idempotent")
        }
    }

    static func nip04(_ data: Data) {
        _ = try? NIP04.decrypt(text(data), sharedKey: nip04Key)
    }

    /// Any payload decrypts or fails cleanly; a plaintext (first byte 0) survives encryption and decryption.
    static func nip44(_ data: Data) {
        guard let mode = data.first else { return }
        let rest = text(data.dropFirst())
        if mode == 0, let payload = try? NIP44.encrypt(rest, conversationKey: nip44Key) {
            check((try? NIP44.decrypt(payload, conversationKey: nip44Key)) == rest, "NIP-44 round trip changed the text")
        } else {
            _ = try? NIP44.decrypt(rest, conversationKey: nip44Key)
        }
    }

    /// First byte: 0 = the input is a wrap event; 1 = the seal JSON inside a wrap; 2 = the rumor JSON inside a
    /// seal signed by a fixed sender. Each layer the input reaches is decoded by the real unwrap.
    static func giftWrap(_ data: Data) {
        guard let mode = data.first else { return }
        let rest = text(data.dropFirst())
        switch mode % 3 {
        case 0:
            guard let event = try? Event.parse(rest) else { return }
            _ = try? NIP59.unwrap(event, keys: keys)
        case 1:
            guard let wrap = wrapping(seal: rest) else { return }
            _ = try? NIP59.unwrap(wrap, keys: keys, verifyingWrap: false)
        default:
            guard let content = try? NIP44.encrypt(rest, conversationKey: nip44Key) else { return }
            let seal = EventTemplate(kind: 13, content: content, tags: [], createdAt: 1_800_000_000).sign(with: sender.keyPair)
            guard let wrap = wrapping(seal: seal.jsonString) else { return }
            if let opened = try? NIP59.unwrap(wrap, keys: keys, verifyingWrap: false) {
                check(opened.sender == sender.publicKey && opened.rumor.pubkey == sender.publicKey.hex, "unwrap accepted a forged author")
            }
        }
    }

    static func wrapping(seal: String) -> Event? {
        let key = NIP44.conversationKey(secretKey: ephemeral, publicKey: bot.publicKey)
        guard let content = try? NIP44.encrypt(seal, conversationKey: key) else { return nil }
        return Event(
            id: String(repeating: "0", count: 64), pubkey: ephemeral.publicKey.hex, createdAt: 1_800_000_000, kind: 1059,
            tags: [["p", bot.publicKey.hex]], content: content, sig: String(repeating: "0", count: 128))
    }

    /// What decodes re-encodes to the same entity.
    static func nip19(_ data: Data) {
        guard let entity = try? NIP19.decode(text(data)) else { return }
        check((try? NIP19.decode(NIP19.encode(entity))) == entity, "NIP-19 round trip changed the entity")
    }

    static let grammar = CommandGrammar(
        context: .init(
            defaultRepository: try? Repository("ops/tc"),
            aliases: ["tc": try! Repository("ops/timmy-config")]))

    static func command(_ data: Data) {
        let origin = Command.Origin(eventID: String(repeating: "a", count: 64), createdAt: 1_800_000_000)
        if case .command(let command) = grammar.parse(text(data), source: "nostr:fuzz", origin: origin, receivedAt: 1_800_000_000) {
            // Every command the grammar builds has a key (the ledger's identity for it).
            _ = IdempotencyKey(command)
        }
        _ = try? Command.parse(data, receivedAt: 1_800_000_000, source: "fuzz")
    }

    static func config(_ data: Data) {
        _ = try? BotConfiguration.parse(data, directory: "/nonexistent-fuzz")
        _ = try? RelayList.parse(data)
        _ = try? CaptureReader.parse(data)
        // A relay's NIP-11 document (issue #14): a stated length is positive, and a refusal is decided without trapping.
        if let information = RelayInformation.parse(data) {
            check(information.maximumMessageLength.map { $0 > 0 } ?? true, "a NIP-11 length that is not positive was kept")
            let event = Event(id: "", pubkey: "", createdAt: 0, kind: 1, tags: [], content: text(data.prefix(2048)), sig: "")
            _ = information.refusal(for: event, canAuthenticate: false)
        }
    }

    static func giteaJSON(_ data: Data) {
        _ = try? GiteaClient.decodeResponse(GiteaIssue.self, data)
        _ = try? GiteaClient.decodeResponse([GiteaIssue].self, data)
        _ = try? GiteaClient.decodeResponse(GiteaComment.self, data)
        _ = try? GiteaClient.decodeResponse([GiteaComment].self, data)
        _ = try? GiteaClient.decodeResponse(GiteaPullRequest.self, data)
        _ = try? GiteaClient.decodeResponse(GiteaRepository.self, data)
        _ = try? GiteaClient.decodeResponse(GiteaUser.self, data)
        _ = try? GiteaClient.decodeResponse([GiteaLabel].self, data)
        // Gitea Actions (issue #17): run paths split without trapping, times parse or are nil.
        _ = try? GiteaClient.decodeResponse(GiteaWorkflowList.self, data)
        _ = try? GiteaClient.decodeResponse(GiteaWorkflowJobList.self, data)
        _ = try? GiteaClient.decodeResponse(GiteaRunDetails.self, data)
        if let runs = try? GiteaClient.decodeResponse(GiteaWorkflowRunList.self, data) {
            for run in runs.workflowRuns ?? [] {
                _ = run.matches(workflow: run.workflowFile ?? "", ref: run.ref ?? "")
                _ = run.startedAt.flatMap(RFC3339.seconds)
            }
        }
        // Webhook deliveries (issue #15): any body, as any event, reads into an event or nothing, and its line is
        // bounded by what the payload holds; the verifier answers without trapping.
        let body = text(data)
        for (event, type) in [
            ("issues", "issues"), ("issue_comment", "issue_comment"), ("pull_request", "pull_request_review_approved"),
            ("push", "push"), ("release", "release"), ("workflow_run", "workflow_run")
        ] {
            if let forgeEvent = ForgeEvent(WebhookDelivery(id: "f", event: event, eventType: type, body: body, receivedAt: 0)) {
                check(NoticeText.line(forgeEvent).utf8.count <= 4 * data.count + 400, "a notice line grew past its payload")
            }
        }
        _ = WebhookVerifier(secret: "fuzz").verify(
            headers: ["x-gitea-signature": text(data.prefix(64)), "x-gitea-delivery": "d", "x-gitea-event": "issues"], body: Array(data), now: 0)
        if let seconds = RFC3339.seconds(text(data.prefix(64))) {
            check(RFC3339.seconds(RFC3339.utc(seconds)) == seconds, "a parsed time does not survive formatting")
        }
        check(GiteaClient.errorMessage(body: data).utf8.count <= 303, "a Gitea error text is not bounded")
    }
}
