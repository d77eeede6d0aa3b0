import Logging
import NostrCore

/// Publishing connections to relays outside the pool, kept open between events and closed after ``idle`` without
/// use; at most ``maximum`` at once (the unused one idle longest makes room; when all are in use, the caller connects
/// for itself). Kept only while ``run()`` runs, which hosts every kept connection as a child task: stopping it
/// closes them all.
actor OnDemandConnections {
    let maximum: Int
    let idle: Duration
    private struct Entry {
        let connection: RelayConnection
        let stop: AsyncStream<Void>.Continuation
        var lastUsed: ContinuousClock.Instant
        var users: Int
    }
    private var live: [String: Entry] = [:]
    private var starter: AsyncStream<(RelayConnection, AsyncStream<Void>)>.Continuation?
    /// Rung when a connection is kept, so that the idle check sleeps only while there is something to close.
    private var keptBell: AsyncStream<Void>.Continuation?

    init(maximum: Int, idle: Duration) { (self.maximum, self.idle) = (maximum, idle) }

    /// Hosts the kept connections and closes idle ones, until cancelled.
    func run() async {
        let (starts, starter) = AsyncStream.makeStream(of: (RelayConnection, AsyncStream<Void>).self)
        let (kept, keptBell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.starter = starter
        self.keptBell = keptBell
        // Discarding, so that the task of a connection that closed is freed instead of kept until the group ends.
        await withDiscardingTaskGroup { group in
            group.addTask {
                // Wakes when the connection unused longest may be closed; with none kept it waits for one, so that
                // a bot answering only through its pool is not woken for nothing.
                var bell = kept.makeAsyncIterator()
                while !Task.isCancelled {
                    guard let wait = await self.untilNextIdleCheck(now: .now) else {
                        guard await bell.next() != nil else { break }
                        continue
                    }
                    try? await Task.sleep(for: wait)
                    await self.closeIdle(now: .now)
                }
            }
            for await (connection, stop) in starts {
                group.addTask {
                    // The connection runs until its stop stream ends (idle, evicted) or the group is cancelled.
                    await withTaskGroup(of: Void.self) { lifetime in
                        lifetime.addTask { await connection.run() }
                        lifetime.addTask { for await _ in stop {} }
                        await lifetime.next()
                        lifetime.cancelAll()
                    }
                }
            }
            group.cancelAll()
        }
        closeAll()
    }

    /// A kept connection to `url` (made with `make` if there is none), marked in use until ``release(_:)``; `nil`
    /// when nothing is kept (not running) or every kept connection is in use and the bound is reached.
    func lease(_ url: String, make: () -> RelayConnection) -> RelayConnection? {
        guard let starter else { return nil }
        if var entry = live[url] {
            entry.users += 1
            entry.lastUsed = .now
            live[url] = entry
            return entry.connection
        }
        if live.count >= maximum {
            guard let unused = live.filter({ $0.value.users == 0 }).min(by: { $0.value.lastUsed < $1.value.lastUsed }) else { return nil }
            close(unused.key)
        }
        let connection = make()
        let (stopped, stop) = AsyncStream.makeStream(of: Void.self)
        live[url] = Entry(connection: connection, stop: stop, lastUsed: .now, users: 1)
        starter.yield((connection, stopped))
        keptBell?.yield()
        return connection
    }

    /// Ends one use of `url`'s kept connection.
    func release(_ url: String) {
        guard var entry = live[url] else { return }
        entry.users -= 1
        entry.lastUsed = .now
        live[url] = entry
    }

    /// The relays with a kept connection.
    var openRelays: [String] { live.keys.sorted() }

    /// How long until a kept connection may have been unused for ``idle`` (at least 50 ms; a quarter of ``idle``
    /// while every kept connection is in use); `nil` when none is kept.
    func untilNextIdleCheck(now: ContinuousClock.Instant) -> Duration? {
        guard !live.isEmpty else { return nil }
        let soonest = live.values.filter { $0.users == 0 }.map { $0.lastUsed + idle - now }.min() ?? idle / 4
        return max(.milliseconds(50), soonest)
    }

    func closeIdle(now: ContinuousClock.Instant) {
        for (url, entry) in live where entry.users == 0 && now - entry.lastUsed >= idle { close(url) }
    }

    private func close(_ url: String) {
        live.removeValue(forKey: url)?.stop.finish()
    }

    private func closeAll() {
        for url in live.keys { close(url) }
        starter = nil
        keptBell?.finish()
        keptBell = nil
    }
}
