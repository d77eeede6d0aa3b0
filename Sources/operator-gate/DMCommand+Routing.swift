import Bot
import CLISupport
import Foundation
import Logging
import NostrCore
import NostrIngress

extension DMCommand.Send {
    /// Where the message and the sender's own copy go when no `--relay` is given, as NIP-17 clients decide: the
    /// recipient's kind 10050 (NIP-17) or NIP-65 read relays (NIP-04), looked up on the relay list's relays and the
    /// discovery relays, else the list's write relays; the sender's copy to the sender's own 10050, else the same.
    static func route(
        from author: PublicKey, to recipient: PublicKey, scheme: DeliveryRoute.Scheme, list: RelayList, discovery: [String],
        onDemand: OnDemandRelays
    ) async -> (message: DeliveryRoute, selfCopy: [String]) {
        let now = Int64(Date().timeIntervalSince1970)
        let lookup = list.relays.map(\.url) + discovery.filter { url in !list.relays.contains { $0.url == url } }
        let filter = Filter(authors: [recipient.hex, author.hex], kinds: [RelayListEvent.inboxKind, RelayListEvent.relayListKind])
        let found = await onDemand.query([filter], on: lookup, timeout: .seconds(5))
        func lists(of key: PublicKey) -> KnownRelayLists {
            KnownRelayLists(fetchedAt: now).merging(found, author: key.hex, fetchedAt: now, usable: RelayList.normalizedURL)
        }
        let write = list.writeRelays.map(\.url)
        let message = DeliveryRoute.plan(scheme: scheme, configured: nil, lists: lists(of: recipient), botWriteRelays: write)
        let own = lists(of: author).inbox
        return (message, own.isEmpty ? write : own)
    }

    /// Publishes the message (and the NIP-17 self-copy): through a pool to the given `--relay`s, else where
    /// ``route(from:to:scheme:list:discovery:onDemand:)`` says. Returns the reports and the route's output fields.
    func publish(
        _ events: [Event], author: KeyPair, recipient: PublicKey, list: RelayList, logger: Logger
    ) async throws -> (reports: [PublishReport], fields: [(String, JSONOutput)]) {
        let timeout = self.timeout
        guard relayOptions.relayURLs.isEmpty else {
            let pool = RelayPool(relays: list, keyPair: author, logger: logger) { [:] }
            let reports = try await whileRunning([{ await pool.run() }]) {
                await pool.waitForConnections(timeout: .seconds(min(5, timeout)))
                var reports: [PublishReport] = []
                for event in events { reports.append(await pool.publish(event, deadline: .seconds(timeout))) }
                return reports
            }
            return (reports, [])
        }
        let onDemand = OnDemandRelays(keyPair: author, logger: logger)
        let (route, selfCopy) = await Self.route(
            from: author.publicKey, to: recipient, scheme: nip04 ? .nip04 : .nip17, list: list,
            discovery: discoveryRelays.compactMap(RelayList.normalizedURL), onDemand: onDemand)
        var reports = [await onDemand.publish(events[0], to: route.relays, timeout: .seconds(timeout))]
        if events.count > 1 { reports.append(await onDemand.publish(events[1], to: selfCopy, timeout: .seconds(timeout))) }
        return (reports, [("route", .string(route.source.rawValue)), ("relays", .array(route.relays.map { .string($0) }))])
    }
}
