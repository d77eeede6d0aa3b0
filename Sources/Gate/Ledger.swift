/// Where the Gate records commands, durably, before and after touching Gitea.
public protocol Ledger: Sendable {
    /// Atomically applies ``ClaimRule`` and, when it says execute, inserts a `claimed` entry.
    func claim(key: IdempotencyKey, command: Command, now: Int64, window: Int64) async throws -> ClaimOutcome
    /// Marks an entry done with its result.
    func complete(id: Int64, result: String, at: Int64) async throws
    /// Marks an entry failed (nothing was written to Gitea).
    func fail(id: Int64, error: String, at: Int64) async throws
    /// The newest entry with this key.
    func latest(key: IdempotencyKey) throws -> LedgerEntry?
    /// The entry for a carrying event.
    func entry(originEventID: String) throws -> LedgerEntry?
    /// Entries whose key starts with `prefix`, newest first.
    func entries(keyPrefix: String, limit: Int) throws -> [LedgerEntry]
    /// Entries in `state` (any when nil) claimed at or after `since` (Unix seconds), newest first, at most `limit`.
    func entries(state: LedgerEntry.State?, since: Int64?, limit: Int) throws -> [LedgerEntry]
    /// Entries still `claimed` (for crash recovery), oldest first.
    func claimedEntries() throws -> [LedgerEntry]
    /// How many entries there are.
    func count() throws -> Int
    /// Background upkeep for as long as the caller runs (until cancelled); nothing by default.
    func maintain(interval: Duration) async
}

extension Ledger {
    public func maintain(interval: Duration) async {}
}
