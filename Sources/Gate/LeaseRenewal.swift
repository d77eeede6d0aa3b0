import NIOConcurrencyHelpers

/// Keeps a lease alive while work runs: the Gate's ledger claim, the bot's message claim in a shared inbox.
public enum LeaseRenewal {
    /// Runs `body` while a child task calls `renew` every `interval`. When `renew` answers `false` (the lease is
    /// someone else's now) renewal stops and `lost` is called once; a renewal that throws (the database did not
    /// answer) is tried again at the next interval. Returns what `body` returns, once it returns.
    ///
    /// A renewal that answers `false` after `body` finished is not a loss: `body` usually ends by completing what
    /// the lease guarded (the ledger entry is done, so it has no lease left to renew), and a renewal racing with
    /// that must not report the lease lost.
    public static func run<T: Sendable>(
        every interval: Duration, renew: @escaping @Sendable () async throws -> Bool,
        lost: @escaping @Sendable () async -> Void = {}, _ body: @escaping @Sendable () async -> T
    ) async -> T {
        let finished = NIOLockedValueBox(false)
        return await withTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    // Cancelled at the end of every command: a sleep that leaves no timer behind.
                    await CancellableSleep.sleep(for: interval)
                    if Task.isCancelled { break }
                    if (try? await renew()) == false {
                        if !finished.withLockedValue({ $0 }) { await lost() }
                        break
                    }
                }
                return nil
            }
            group.addTask {
                let value = await body()
                finished.withLockedValue { $0 = true }
                return value
            }
            var result: T?
            for await value in group {
                if let value {
                    result = value
                    group.cancelAll()
                }
            }
            return result!
        }
    }
}
