/// Where the Gate records commands, durably, before and after touching Gitea.
///
/// Two backends: ``SQLiteLedger`` (one instance, the default) and `PostgresLedger` (several instances sharing one
/// database). A shared ledger hands out *leases*: a claim belongs to the instance that made it until its lease
/// runs out, is renewed while the command runs, and an instance that finds another's lease expired takes the
/// claim over (``takeOver(_:now:)``) and reconciles it by probing Gitea, as after a crash.
public protocol Ledger: Sendable {
    /// Atomically applies ``ClaimRule`` and, when it says execute, inserts a `claimed` entry.
    func claim(key: IdempotencyKey, command: Command, now: Int64, window: Int64) async throws -> ClaimOutcome
    /// Marks an entry done with its result.
    func complete(id: Int64, result: String, at: Int64) async throws
    /// Marks an entry failed (nothing was written to Gitea).
    func fail(id: Int64, error: String, at: Int64) async throws
    /// The newest entry with this key.
    func latest(key: IdempotencyKey) async throws -> LedgerEntry?
    /// The entry for a carrying event.
    func entry(originEventID: String) async throws -> LedgerEntry?
    /// Entries whose key starts with `prefix`, newest first.
    func entries(keyPrefix: String, limit: Int) async throws -> [LedgerEntry]
    /// Entries in `state` (any when nil) claimed at or after `since` (Unix seconds) for the operator named
    /// `operatorName` (the command's `operator`; any when nil), newest first, at most `limit`.
    func entries(state: LedgerEntry.State?, since: Int64?, operatorName: String?, limit: Int) async throws -> [LedgerEntry]
    /// Entries still `claimed` that this instance may reconcile (its own, or with an expired lease), oldest first.
    func claimedEntries(now: Int64) async throws -> [LedgerEntry]
    /// How many entries there are.
    func count() async throws -> Int
    /// Background upkeep for as long as the caller runs (until cancelled); nothing by default.
    func maintain(interval: Duration) async

    /// How long a claim's lease lasts, in seconds; `nil` when the ledger has one writer and no leases.
    var leaseDuration: Int64? { get }
    /// Whether ``complete(id:result:at:)`` and ``fail(id:error:at:)`` run to their end in a cancelled task (they
    /// never look at cancellation). `false` by default: the Gate then runs them in a task of their own that a
    /// shutdown does not cancel, which costs two thread hops per command.
    var recordsDespiteCancellation: Bool { get }
    /// Extends this instance's lease on a claimed entry. `false` when the entry is no longer this instance's
    /// claim (another instance took it over, or it is finished): the caller must not write to Gitea for it.
    func renewLease(id: Int64, now: Int64) async throws -> Bool
    /// Makes a claimed entry this instance's, if it is already or its lease has expired. `false` when another
    /// instance holds it, alive.
    func takeOver(_ entry: LedgerEntry, now: Int64) async throws -> Bool
    /// Whether a write can start now (health checks).
    func isWritable() async -> Bool
    /// Records on a claimed entry, durably, what its execution saw right before its write: a write that leaves no
    /// key on Gitea (a workflow dispatch, a rerun) is found by a probe as "newer than this". Recorded before every
    /// attempt; an entry without one made no attempt.
    func recordBaseline(id: Int64, value: String) async throws
    /// The baseline recorded for an entry, if any.
    func baseline(id: Int64) async throws -> String?

    /// Stores a command waiting for its operator's `yes`; `false` when its code is taken (draw another). Confirmations
    /// settled or expired a week ago are deleted on the way (the table stays bounded).
    func insertConfirmation(_ confirmation: PendingConfirmation, now: Int64) async throws -> Bool
    /// The confirmation with this (normalized) code.
    func confirmation(code: String) async throws -> PendingConfirmation?
    /// Moves a confirmation from `pending` to `state`; `false` when it was no longer pending (another `yes`, here or
    /// on another instance, settled it first).
    func settleConfirmation(code: String, to state: PendingConfirmation.State, at: Int64) async throws -> Bool
}

extension Ledger {
    public var recordsDespiteCancellation: Bool { false }

    /// Entries of every operator.
    public func entries(state: LedgerEntry.State?, since: Int64?, limit: Int) async throws -> [LedgerEntry] {
        try await entries(state: state, since: since, operatorName: nil, limit: limit)
    }

    public func maintain(interval: Duration) async {}
    public var leaseDuration: Int64? { nil }
    public func renewLease(id: Int64, now: Int64) async throws -> Bool { true }
    public func takeOver(_ entry: LedgerEntry, now: Int64) async throws -> Bool { true }
}
