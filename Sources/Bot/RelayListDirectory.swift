import Logging
import NostrCore
import NostrIngress
import ServiceLifecycle

/// The operators' relay lists (kinds 10050 and 10002), looked up on the bot's relays and the discovery relays and
/// cached in the inbox store for ``freshFor`` seconds; a newer list replaces an older one at the next lookup.
///
/// As a service it looks every operator up at start and again each ``freshFor``, so answers seldom wait for a lookup.
/// Only operators (and the bot itself) are looked up: a stranger's message never makes the bot query relays.
public actor RelayListDirectory: Service {
    /// How long a lookup that found lists stays fresh (one hour).
    public let freshFor: Int64
    /// How long a lookup that found nothing stays fresh: a relay that was down is asked again sooner.
    public let emptyFreshFor: Int64 = 300
    private let store: InboxStore?
    private let onDemand: OnDemandRelays
    private let lookupRelays: [String]
    private let people: [String]
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private var memory: [String: KnownRelayLists] = [:]
    /// Lookups under way, by key, with the callers waiting for their result.
    private var lookingUp: [String: [CheckedContinuation<KnownRelayLists, Never>]] = [:]

    /// - Parameters:
    ///   - lookupRelays: the bot's relays and the discovery relays.
    ///   - people: hex keys kept fresh by ``run()`` (the operators); others are looked up only when asked.
    public init(
        store: InboxStore?, onDemand: OnDemandRelays, lookupRelays: [String], people: [String], freshFor: Int64 = 3600,
        logger: Logger, now: @escaping @Sendable () -> Int64
    ) {
        (self.store, self.onDemand, self.lookupRelays, self.people) = (store, onDemand, lookupRelays, people)
        (self.freshFor, self.logger, self.now) = (freshFor, logger, now)
    }

    /// Keeps every operator's lists fresh until shutdown.
    public nonisolated func run() async {
        // Shutdown ends it (the sleep throws); that is not a failure.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // All at once: a relay that never ends its stored events costs the lookup timeout once, not per operator.
                await withTaskGroup(of: Void.self) { group in
                    for person in self.people { group.addTask { _ = await self.lists(of: person, refresh: true) } }
                }
                try await Task.sleep(for: .seconds(min(self.freshFor, self.emptyFreshFor)))
            }
        }
    }

    /// The lists of `pubkey` (hex). Fresh cached lists are returned at once, and so are stale ones unless `refresh`
    /// (the service refreshes them: an answer never waits for that). With nothing cached they are looked up (up to
    /// 5 s); a caller arriving while a lookup of the same key is under way waits for its result instead of asking
    /// the relays again.
    public func lists(of pubkey: String, refresh: Bool = false) async -> KnownRelayLists {
        let cached = memory[pubkey] ?? (try? store?.relayLists(of: pubkey)) ?? nil
        if let cached {
            memory[pubkey] = cached
            if !refresh || now() - cached.fetchedAt < (cached.isEmpty ? emptyFreshFor : freshFor) { return cached }
        }
        if lookingUp[pubkey] != nil {
            return await withCheckedContinuation { lookingUp[pubkey, default: []].append($0) }
        }
        lookingUp[pubkey] = []
        let merged = await lookUp(pubkey, cached: cached)
        for waiter in lookingUp.removeValue(forKey: pubkey) ?? [] { waiter.resume(returning: merged) }
        return merged
    }

    private func lookUp(_ pubkey: String, cached: KnownRelayLists?) async -> KnownRelayLists {
        let time = now()
        let filter = Filter(authors: [pubkey], kinds: [RelayListEvent.inboxKind, RelayListEvent.relayListKind])
        let events = await onDemand.query([filter], on: lookupRelays, timeout: .seconds(5))
        let merged = (cached ?? KnownRelayLists(fetchedAt: time)).merging(events, author: pubkey, fetchedAt: time, usable: RelayList.normalizedURL)
        memory[pubkey] = merged
        do { try store?.storeRelayLists(merged, of: pubkey) } catch {
            logger.warning("cannot cache relay lists", metadata: ["pubkey": "\(pubkey)", "error": "\(error)"])
        }
        if merged.inbox != cached?.inbox || merged.read != cached?.read {
            logger.info(
                "relay lists looked up",
                metadata: ["pubkey": "\(pubkey)", "inbox": "\(merged.inbox)", "read": "\(merged.read)", "events": "\(events.count)"])
        }
        return merged
    }
}

extension KnownRelayLists {
    /// Neither list is known.
    var isEmpty: Bool { inbox.isEmpty && read.isEmpty }
}
