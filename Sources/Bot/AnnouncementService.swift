import Logging
import NostrCore
import NostrIngress
import ServiceLifecycle

/// Publishes the bot's ``BotAnnouncement`` at start where it is missing or outdated: asks each of the bot's write
/// relays and discovery relays what it holds, and sends each relay what it lacks (the current copy another relay
/// holds, else a new event dated after the newest copy anywhere). Relays that cannot
/// be reached are asked again later (after 10 s, 1 min, 5 min), then the service ends; it ends at once on shutdown.
public struct AnnouncementService: Service {
    let announcement: BotAnnouncement
    let keyPair: KeyPair
    /// The bot's write relays plus `discovery_relays`.
    let relays: [String]
    let onDemand: OnDemandRelays
    let logger: Logger
    let now: @Sendable () -> Int64

    public init(
        announcement: BotAnnouncement, keyPair: KeyPair, relays: [String], onDemand: OnDemandRelays, logger: Logger,
        now: @escaping @Sendable () -> Int64
    ) {
        (self.announcement, self.keyPair, self.relays, self.onDemand) = (announcement, keyPair, relays, onDemand)
        (self.logger, self.now) = (logger, now)
    }

    public func run() async {
        // Shutdown ends it (the sleep throws); that is not a failure.
        try? await cancelWhenGracefulShutdown {
            for retry in [Duration.seconds(10), .seconds(60), .seconds(300), nil] {
                if await announceOnce() { return }
                guard let retry else { break }
                try await Task.sleep(for: retry)
            }
            logger.warning("some relays did not take the bot's profile and relay lists; they are tried again at the next start")
        }
    }

    /// One round: asks each relay what it holds and brings every relay up to date; `true` when each relay that
    /// lacked an event accepted it (or none lacked any).
    func announceOnce() async -> Bool {
        let author = keyPair.publicKey.hex
        let filter = Filter(authors: [author], kinds: BotAnnouncement.kinds)
        let held = await onDemand.queryEach([filter], on: relays, timeout: .seconds(5))
        let lacking = announcement.lacking(held: held, author: author)
        if lacking.isEmpty {
            logger.info("profile and relay lists are up to date on the relays", metadata: ["relays": "\(relays)"])
            return true
        }
        let everything = held.flatMap(\.events)
        let stale = Dictionary(announcement.outdated(existing: everything, author: author, now: now()).map { ($0.kind, $0) }) { first, _ in first }
        var complete = true
        for kind in BotAnnouncement.kinds {
            guard let targets = lacking[kind] else { continue }
            // The current copy another relay already holds goes out unchanged (same id); else a new one, dated
            // after the newest copy anywhere.
            guard let event = stale[kind].map({ $0.sign(with: keyPair) }) ?? RelayListEvent.newest(everything, kind: kind, author: author)
            else { continue }
            let report = await onDemand.publish(event, to: targets, timeout: .seconds(10))
            let metadata: Logger.Metadata = [
                "kind": "\(kind)", "event": "\(event.id)", "accepted": "\(report.accepted)", "rejected": "\(report.rejected)"
            ]
            if report.accepted.count == targets.count {
                logger.notice("published the bot's \(Self.name(of: kind))", metadata: metadata)
            } else {
                complete = false
                logger.warning("not every relay accepted the bot's \(Self.name(of: kind))", metadata: metadata)
            }
        }
        return complete
    }

    /// How logs and `doctor` name each announced kind.
    public static func name(of kind: Int) -> String {
        switch kind {
        case BotProfile.kind: return "profile (kind 0)"
        case RelayListEvent.inboxKind: return "DM inbox relays (kind 10050)"
        default: return "relay list (kind 10002)"
        }
    }
}

extension AnnouncementService: CustomStringConvertible {
    /// Short, and without the key (the service group logs its services).
    public var description: String { "AnnouncementService(relays: \(relays.count))" }
}
