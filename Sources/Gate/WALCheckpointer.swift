import GRDB

/// Checkpoints a SQLite database's write-ahead log from a connection of its own, once its writer pauses.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 pages: the inbox's took about 4 ms,
/// inline in some answer's commit, every second or so of steady traffic (`strace -T` on `bench e2e`). A checkpoint
/// also syncs the log and the database file, and lets the next writer restart the log, which syncs the log's header
/// inside that writer's commit. Here a checkpoint runs beside the commits (passive: it never blocks them) once
/// `quiet` passed without a commit, or after `maxCommits` commits without such a pause: a burst is checkpointed
/// once, after it, and a steady stream of commands meets one checkpoint per `maxCommits` commits. Driven by
/// commits: an idle database costs no wakeups.
public final class WALCheckpointer: Sendable {
    /// What to do when a wait of `quiet` ends (``decide(commits:beforeWait:atCheckpoint:maxCommits:)``).
    public enum Decision: Equatable, Sendable {
        /// Commits came during the wait and the log is not long yet: wait again.
        case waitAgain
        /// The writer paused (or committed `maxCommits` times since the last checkpoint): checkpoint now.
        case checkpoint
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

    /// The rule, with commit counts: `commits` now, `beforeWait` when the wait began, `atCheckpoint` when the
    /// last checkpoint began.
    ///
    /// | commits | beforeWait | atCheckpoint | maxCommits | decision |
    /// |---|---|---|---|---|
    /// | 7 | 7 | 0 | 500 | checkpoint (a pause) |
    /// | 9 | 7 | 0 | 500 | waitAgain |
    /// | 500 | 480 | 0 | 500 | checkpoint (the log is long) |
    /// | 7 | 7 | 7 | 500 | nothingNew |
    public static func decide(commits: Int, beforeWait: Int, atCheckpoint: Int, maxCommits: Int) -> Decision {
        if commits == atCheckpoint { return .nothingNew }
        if commits == beforeWait || commits - atCheckpoint >= maxCommits { return .checkpoint }
        return .waitAgain
    }

    /// Checkpoints as ``WALCheckpointer`` says until the task is cancelled.
    /// - Parameters:
    ///   - wakeups: a value after each commit (newest kept), as ``WriteBatcher`` sends them.
    ///   - commitCount: the writer's commits so far.
    public func run(
        wakeups: AsyncStream<Void>, commitCount: @escaping @Sendable () async -> Int, quiet: Duration, maxCommits: Int
    ) async {
        var atCheckpoint = 0
        for await _ in wakeups {
            var beforeWait = await commitCount()
            while true {
                try? await Task.sleep(for: quiet)
                if Task.isCancelled { return }
                let commits = await commitCount()
                switch Self.decide(commits: commits, beforeWait: beforeWait, atCheckpoint: atCheckpoint, maxCommits: maxCommits) {
                case .waitAgain:
                    beforeWait = commits
                    continue
                case .checkpoint:
                    atCheckpoint = commits
                    _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                case .nothingNew:
                    break
                }
                break
            }
        }
    }
}
