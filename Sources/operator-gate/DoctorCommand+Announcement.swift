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
        let targets = reachability.announcementRelays(relays)
        let lacking = announcement.lacking(held: await onDemand.queryEach([filter], on: targets, timeout: timeout), author: bot.publicKey.hex)
        return targets.map { url in
            let missing = BotAnnouncement.kinds.filter { lacking[$0]?.contains(url) == true }.map(AnnouncementService.name(of:))
            return missing.isEmpty
                ? (true, "relay \(url) serves the bot's profile and relay lists")
                : (false, "relay \(url) lacks the current \(missing.joined(separator: ", ")) (`run` publishes them at start)")
        }
    }
}
