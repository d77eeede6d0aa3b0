import GRDB
import Synchronization

/// Group commit: writes submitted while a transaction is being committed wait, then share the next one.
///
/// On this kind of machine a SQLite commit costs about 60–100 µs whatever it holds, so one transaction per claim
/// caps the ledger near 3,000 claim+complete per second; sharing commits between concurrent commands lifts that
/// without weakening anything: every caller returns only after the transaction holding its write committed.
/// A job must write with at most one statement, as its last step (the ledger's claim inserts last; completion is
/// one UPDATE): a failing statement is undone by SQLite on its own without ending the transaction, so one failing
/// job cannot half-apply, and no savepoint (two more statements per job) is needed. A job that writes several
/// statements wraps them in its own savepoint (``GRDB/Database/inCachedSavepoint(_:)``, as the inbox's processed marks do). An
/// error that ends the transaction fails the commit, and then every job of the batch fails.
///
/// One command at a time, the hops cost more than the commit: a batch of one commits on the actor's own thread
/// (``commitsInline``). Before a batch is taken the drainer yields once if another submitter is on its way to the
/// actor (counted in ``arriving`` before the hop), so that it joins the batch; a lone submitter commits at once.
/// Counting arrivals, not looking at the queue, is what keeps group commit for staggered submitters: those that
/// arrive during a commit wait for the actor, not in the queue, and each would otherwise commit alone.
public actor WriteBatcher {
    private final class Job: @unchecked Sendable {
        let work: @Sendable (Database) throws -> any Sendable
        /// Written on GRDB's writer queue, read after the awaited write returned (which orders the two).
        var result: Result<any Sendable, any Error> = .failure(CancellationError())
        init(_ work: @escaping @Sendable (Database) throws -> any Sendable) { self.work = work }
    }

    private let database: DatabasePool
    private var queue: [Job] = []
    private var waiting: [ObjectIdentifier: CheckedContinuation<Void, Never>] = [:]
    private var draining = false
    /// Submitters between calling ``submit(_:)`` and reaching the actor.
    private nonisolated let arriving = Atomic<Int>(0)
    /// Commits and jobs since start, to show the batching at work.
    private(set) var commits = 0
    private(set) var jobs = 0
    /// Jobs submitted and waiting for the next batch (the one being committed is not counted).
    var queued: Int { queue.count }
    /// Told after each commit (the ledger's checkpointer waits on it instead of polling).
    private var commitWatcher: AsyncStream<Void>.Continuation?

    /// Whether a batch of one commits on the actor's thread (GRDB's synchronous write) instead of hopping to GRDB's
    /// writer queue and back: only when a commit costs tens of µs (`synchronous=NORMAL`), never with an fsync per
    /// commit, which must not hold a concurrency thread.
    private let commitsInline: Bool

    /// - Parameter commitsInline: see ``commitsInline``; only for `synchronous=NORMAL` databases.
    public init(database: DatabasePool, commitsInline: Bool) { (self.database, self.commitsInline) = (database, commitsInline) }

    /// Sends a value to `watcher` after every commit from now on, in place of any earlier watcher (which is finished).
    func watchCommits(_ watcher: AsyncStream<Void>.Continuation?) {
        commitWatcher?.finish()
        commitWatcher = watcher
    }

    /// Runs `work` inside a shared `BEGIN IMMEDIATE` transaction and returns its result once that transaction committed.
    public nonisolated func submit<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        arriving.add(1, ordering: .relaxed)
        return try await enqueue(work)
    }

    private func enqueue<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        arriving.subtract(1, ordering: .relaxed)
        let job = Job { db in try work(db) }
        queue.append(job)
        if draining {
            // The draining caller will run this job in its next batch and wake us.
            await withCheckedContinuation { waiting[ObjectIdentifier(job)] = $0 }
        } else {
            draining = true
            // Let submitters already on their way to the actor join this batch before it commits.
            if arriving.load(ordering: .relaxed) > 0 { await Task.yield() }
            while !queue.isEmpty {
                let batch = queue
                queue = []
                await commit(batch)
                for other in batch where other !== job { waiting.removeValue(forKey: ObjectIdentifier(other))?.resume() }
            }
            draining = false
        }
        return try job.result.get() as! T
    }

    /// GRDB's synchronous write, on the calling thread (no hop to the writer queue and back).
    private static func writeNow(_ database: DatabasePool, _ body: (Database) throws -> Void) throws {
        try database.writeWithoutTransaction(body)
    }

    /// GRDB's write on its writer queue, run to its end whatever happens to the awaiting task: the drainer commits
    /// other submitters' jobs too, and GRDB's cancellable `write` would interrupt (and fail) all of them when the
    /// drainer's own task is cancelled (a shutdown's timeout).
    private static func writeUncancellably(_ database: DatabasePool, _ body: @escaping @Sendable (Database) throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            database.asyncWriteWithoutTransaction { db in continuation.resume(with: Result { try body(db) }) }
        }
    }

    private func commit(_ batch: [Job]) async {
        commits += 1
        jobs += batch.count
        let body: @Sendable (Database) throws -> Void = { db in
            try db.inCachedImmediateTransaction {
                for job in batch {
                    do { job.result = .success(try job.work(db)) } catch { job.result = .failure(error) }
                }
            }
        }
        do {
            if batch.count == 1 && commitsInline {
                try Self.writeNow(database, body)
            } else {
                try await Self.writeUncancellably(database, body)
            }
        } catch {
            // The commit itself failed: nothing in the batch is durable.
            for job in batch { job.result = .failure(error) }
        }
        commitWatcher?.yield()
    }
}
