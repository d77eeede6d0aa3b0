import Logging
import NostrCore
import NostrIngress
import ServiceLifecycle

/// Publishes the bot's ``BotAnnouncement`` at start where it is missing or outdated: asks the bot's write relays and
/// the discovery relays what they hold, signs what differs, and publishes it to the same relays. Relays that cannot
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
            logger.warning("could not publish the bot's profile and relay lists to any relay; they are tried again at the next start")
        }
    }

    /// One round; `true` when every outdated event was accepted by at least one relay (or none was outdated).
    func announceOnce() async -> Bool {
        let filter = Filter(authors: [keyPair.publicKey.hex], kinds: BotAnnouncement.kinds)
        let existing = await onDemand.query([filter], on: relays, timeout: .seconds(5))
        let outdated = announcement.outdated(existing: existing, author: keyPair.publicKey.hex, now: now())
        if outdated.isEmpty {
            logger.info("profile and relay lists are up to date on the relays")
            return true
        }
        var complete = true
        for template in outdated {
            let event = template.sign(with: keyPair)
            let report = await onDemand.publish(event, to: relays, timeout: .seconds(10))
            let metadata: Logger.Metadata = [
                "kind": "\(event.kind)", "event": "\(event.id)", "accepted": "\(report.accepted)", "rejected": "\(report.rejected)"
            ]
            if report.succeeded {
                logger.notice("published the bot's \(Self.name(of: event.kind))", metadata: metadata)
            } else {
                complete = false
                logger.warning("no relay accepted the bot's \(Self.name(of: event.kind))", metadata: metadata)
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
