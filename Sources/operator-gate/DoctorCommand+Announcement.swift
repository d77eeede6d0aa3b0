import Bot
import CLISupport
import Logging
import NostrCore
import NostrIngress

extension DoctorCommand {
    /// Prints the profile and relay lists the bot publishes, then checks that each of its write relays and each
    /// discovery relay serves them as they are (`run` publishes them at start).
    static func announcementChecks(
        _ configuration: BotConfiguration, relays: RelayList, bot: KeyPair, timeout: Duration, logger: Logger
    ) async -> [(passed: Bool, line: String)] {
        let reachability = configuration.reachability
        let announcement = BotAnnouncement(reachability: reachability, relays: relays)
        let templates = announcement.templates(createdAt: 0)
        StandardIO.printLine("  profile (kind 0): \(templates[0].content)")
        StandardIO.printLine("  DM inbox relays (kind 10050): \(announcement.inboxRelays.joined(separator: ", "))")
        StandardIO.printLine(
            "  relay list (kind 10002): "
                + announcement.relayList.map { "\($0.url)\($0.read && $0.write ? "" : $0.read ? " (read)" : " (write)")" }.joined(separator: ", "))
        let onDemand = OnDemandRelays(keyPair: bot, maximumConnections: reachability.onDemandConnections, logger: logger)
        let filter = Filter(authors: [bot.publicKey.hex], kinds: BotAnnouncement.kinds)
        var targets = relays.writeRelays.map(\.url)
        targets += reachability.discoveryRelays.filter { !targets.contains($0) }
        var results: [(passed: Bool, line: String)] = []
        for url in targets {
            let held = await onDemand.query([filter], on: [url], timeout: timeout)
            let outdated = announcement.outdated(existing: held, author: bot.publicKey.hex, now: 0).map { AnnouncementService.name(of: $0.kind) }
            results.append(
                outdated.isEmpty
                    ? (true, "relay \(url) serves the bot's profile and relay lists")
                    : (false, "relay \(url) lacks the current \(outdated.joined(separator: ", ")) (`run` publishes them at start)"))
        }
        return results
    }
}
