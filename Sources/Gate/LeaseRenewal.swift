import NIOConcurrencyHelpers

/// Keeps a lease alive while work runs: the Gate's ledger claim, the bot's message claim in a shared inbox.
public enum LeaseRenewal {
    /// Whether a claim must be confirmed (renewed, and found still ours) right before the write it guards. A claim
    /// younger than a third of its lease needs no confirmation: nobody may take it over before its lease runs out,
    /// and two thirds of the lease are still left for the write to start in. The claim's commit already was the
    /// proof, and a renewal would be one more commit per command (`operator-gate-bench e2e`, issue #13).
    ///
    /// | claim age | lease 30 s | confirm? |
    /// |---|---|---|
    /// | 0 s (just claimed) | 30 s | no |
    /// | 9.9 s | 30 s | no |
    /// | 10 s | 30 s | yes |
    /// | unknown (taken over, recovered) | any | yes |
    public static func mustConfirm(claimAge: Duration?, lease: Int64) -> Bool {
        guard let claimAge else { return true }
        return claimAge * 3 >= .seconds(lease)
    }

    /// Runs `body` (in the calling task) while a child task calls `renew` every `interval`. When `renew` answers
    /// `false` (the lease is someone else's now) renewal stops and `lost` is called once; a renewal that throws (the
    /// database did not answer) is tried again at the next interval. Returns what `body` returns, once it returns.
    ///
    /// A renewal that answers `false` after `body` finished is not a loss: `body` usually ends by completing what
    /// the lease guarded (the ledger entry is done, so it has no lease left to renew), and a renewal racing with
    /// that must not report the lease lost.
    public static func run<T: Sendable>(
        every interval: Duration, renew: @escaping @Sendable () async throws -> Bool,
        lost: @escaping @Sendable () async -> Void = {}, _ body: @escaping @Sendable () async -> T
    ) async -> T {
        let finished = NIOLockedValueBox(false)
        return await withTaskGroup(of: Void.self) { group in
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
            }
            let value = await body()
            finished.withLockedValue { $0 = true }
            group.cancelAll()
            return value
        }
    }
}
