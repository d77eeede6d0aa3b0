import GRDB

/// Checkpoints a SQLite database's write-ahead log from a connection of its own, once its writer pauses.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 pages: the inbox's took about 4 ms,
/// inline in some answer's commit, every second or so of steady traffic (`strace -T` on `bench e2e`). A checkpoint
/// also syncs the log and the database file. Here a checkpoint runs beside the commits (passive: it never blocks
/// them) once `quiet` passed without a commit, or after `maxWrites` writes without such a pause: a burst is
/// checkpointed once, after it, and a steady stream of commands meets one checkpoint per `maxWrites` writes. Writes
/// (the jobs a ``WriteBatcher`` committed), not commits, because the log grows with them: under load one commit
/// holds many. Driven by commits: an idle database costs no wakeups.
///
/// A log whose every frame is in the database file is restarted from its beginning by the next transaction that
/// writes, and that transaction syncs the log's new header: left to the writer, the first command after every
/// pause (an operator's usual command) paid an `fdatasync` in its ledger claim and another in its stored answer.
/// After a pause's checkpoint that took every frame, this connection restarts the log itself with a write that
/// changes nothing (``restartLog(_:)``), while the bot is idle. (The writer's page cache is read afresh after it,
/// as after any other connection's write.)
public final class WALCheckpointer: Sendable {
    /// What to do when a wait of `quiet` ends (``decide(writes:beforeWait:atCheckpoint:maxWrites:)``).
    public enum Decision: Equatable, Sendable {
        /// Commits came during the wait and the log is not long yet: wait again.
        case waitAgain
        /// The writer paused (`afterPause`), or committed `maxWrites` writes since the last checkpoint: checkpoint now.
        /// After a pause the writer is idle, so a log the checkpoint emptied is restarted here too (``restartLog(_:)``).
        case checkpoint(afterPause: Bool)
        /// Nothing committed since the last checkpoint: nothing to do until the next commit.
        case nothingNew
    }

    private let connection: DatabaseQueue

    /// Opens the checkpointing connection on the database at `path` (already created by its writer).
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try SQLitePageCache.apply(to: db) }
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The rule, with counts of writes committed: `writes` now, `beforeWait` when the wait began, `atCheckpoint`
    /// when the last checkpoint began.
    ///
    /// | writes | beforeWait | atCheckpoint | maxWrites | decision |
    /// |---|---|---|---|---|
    /// | 7 | 7 | 0 | 500 | checkpoint (after a pause) |
    /// | 9 | 7 | 0 | 500 | waitAgain |
    /// | 500 | 480 | 0 | 500 | checkpoint (not after a pause: the log is long) |
    /// | 7 | 7 | 7 | 500 | nothingNew |
    public static func decide(writes: Int, beforeWait: Int, atCheckpoint: Int, maxWrites: Int) -> Decision {
        if writes == atCheckpoint { return .nothingNew }
        if writes == beforeWait { return .checkpoint(afterPause: true) }
        if writes - atCheckpoint >= maxWrites { return .checkpoint(afterPause: false) }
        return .waitAgain
    }

    /// Writes committed without a pause after which ``run(after:quiet:)`` checkpoints anyway.
    public static let maxWrites = 500
    /// Pages in the log after which SQLite's own checkpoint runs inside a commit: the backstop while this one runs
    /// (or when nobody runs it), instead of SQLite's 1,000.
    public static let backstopPages = 16_384

    /// Writes the database header's application id back unchanged: the smallest write there is (one frame, the
    /// first page), so that the transaction carrying it restarts a fully checkpointed log and syncs its header.
    static func restartLog(_ db: Database) throws {
        let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        try db.execute(sql: "PRAGMA application_id = \(id)")
    }

    /// Raises SQLite's automatic checkpoint on `db` to ``backstopPages``.
    public static func raiseBackstop(on db: Database) throws {
        try db.execute(sql: "PRAGMA wal_autocheckpoint = \(backstopPages)")
    }

    /// Checkpoints as ``WALCheckpointer`` says, following the commits of `batcher` (woken by each, counting its
    /// writes), until the task is cancelled.
    public func run(after batcher: WriteBatcher, quiet: Duration) async {
        let (wakeups, watcher) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await batcher.watchCommits(watcher)
        var atCheckpoint = 0
        for await _ in wakeups {
            var beforeWait = await batcher.jobs
            var decision = Decision.waitAgain
            repeat {
                try? await Task.sleep(for: quiet)
                if Task.isCancelled { return }
                let writes = await batcher.jobs
                decision = Self.decide(writes: writes, beforeWait: beforeWait, atCheckpoint: atCheckpoint, maxWrites: Self.maxWrites)
                if case .checkpoint(let afterPause) = decision {
                    atCheckpoint = writes
                    _ = try? await connection.writeWithoutTransaction { db in
                        let (frames, checkpointed) = try db.checkpoint(.passive)
                        if afterPause && frames > 0 && frames == checkpointed { try Self.restartLog(db) }
                    }
                }
                beforeWait = writes
            } while decision == .waitAgain
        }
    }
}
