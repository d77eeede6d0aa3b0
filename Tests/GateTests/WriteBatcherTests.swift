import Foundation
import GRDB
import TestSupport
import Testing

@testable import Gate

/// Group commit, driven deterministically: the test holds SQLite's writer so that submitters pile up behind a commit,
/// instead of hoping the scheduler makes them concurrent.
@Suite struct WriteBatcherTests {
    static func pool() throws -> DatabasePool {
        let directory = ScratchDirectory.root.appendingPathComponent("og-batcher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: directory.appendingPathComponent("batcher.sqlite").path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (value INTEGER NOT NULL UNIQUE)") }
        return pool
    }

    /// Holds the pool's writer until the returned semaphore is signalled; returns once the writer is held.
    static func holdWriter(_ pool: DatabasePool) -> DispatchSemaphore {
        let (held, release) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        pool.asyncWriteWithoutTransaction { _ in
            held.signal()
            release.wait()
        }
        held.wait()
        return release
    }

    /// A job inserting `value`, returning its row id.
    static func insert(_ value: Int) -> @Sendable (Database) throws -> Int64 {
        { db in
            try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [value])
            return db.lastInsertedRowID
        }
    }

    /// Polls `condition` for up to ten seconds (the submitters are tasks on other threads).
    static func waitUntil(_ condition: () async -> Bool) async throws {
        for _ in 0..<1000 where !(await condition()) { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// While one commit waits for the writer, 49 more submissions queue; they then share one commit, and each
    /// submitter gets its own job's result.
    @Test func writesThatArriveDuringACommitShareTheNext() async throws {
        let pool = try Self.pool()
        let batcher = WriteBatcher(database: pool, commitsInline: false)
        let release = Self.holdWriter(pool)
        let results = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            group.addTask {
                (0, try await batcher.submit(Self.insert(0)))
            }
            try await Self.waitUntil { await batcher.commits == 1 }
            for value in 1..<50 {
                group.addTask {
                    (value, try await batcher.submit(Self.insert(value)))
                }
            }
            try await Self.waitUntil { await batcher.queued == 49 }
            #expect(await batcher.queued == 49)
            release.signal()
            var all: [Int: Int64] = [:]
            for try await (value, row) in group { all[value] = row }
            return all
        }
        #expect(results.count == 50)
        #expect(Set(results.values).count == 50, "each submitter got its own insert's row id")
        let (commits, jobs) = (await batcher.commits, await batcher.jobs)
        #expect(commits == 2 && jobs == 50)
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 50)
    }

    /// A job whose statement fails fails alone: the others of its commit are made.
    @Test func aFailingJobDoesNotUndoItsBatch() async throws {
        let pool = try Self.pool()
        let batcher = WriteBatcher(database: pool, commitsInline: false)
        let release = Self.holdWriter(pool)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            group.addTask { (0, (try? await batcher.submit(Self.insert(0))) != nil) }
            try? await Self.waitUntil { await batcher.commits == 1 }
            // 1, 2, 2 (a duplicate: the UNIQUE constraint fails it), 3, in one batch.
            for (index, value) in [1, 2, 2, 3].enumerated() {
                group.addTask {
                    (index + 1, (try? await batcher.submit(Self.insert(value))) != nil)
                }
                try? await Self.waitUntil { await batcher.queued == index + 1 }
            }
            release.signal()
            var all: [Int: Bool] = [:]
            for await (index, made) in group { all[index] = made }
            return all
        }
        #expect(outcomes == [0: true, 1: true, 2: true, 3: false, 4: true])
        #expect(await batcher.commits == 2)
        #expect(try await pool.read { db in try Int.fetchAll(db, sql: "SELECT value FROM t ORDER BY value") } == [0, 1, 2, 3])
    }

    /// A job of several statements in its own savepoint (``GRDB/Database/inCachedSavepoint(_:)``): when its second
    /// statement fails, its first is undone too and the jobs around it in the same commit are made; the savepoint
    /// statements, cached per connection, serve every commit after.
    @Test func aFailingSavepointJobLeavesNothingBehind() async throws {
        let pool = try Self.pool()
        let batcher = WriteBatcher(database: pool, commitsInline: false)
        let twoRows: @Sendable (Int, Int) -> @Sendable (Database) throws -> Void = { first, second in
            { db in
                try db.inCachedSavepoint {
                    _ = try Self.insert(first)(db)
                    _ = try Self.insert(second)(db)
                }
            }
        }
        let release = Self.holdWriter(pool)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            group.addTask { (0, (try? await batcher.submit(Self.insert(0))) != nil) }
            try? await Self.waitUntil { await batcher.commits == 1 }
            // 1; 2 then 1 again (the UNIQUE constraint fails it: 2 goes too); 3 then 4; in one batch.
            let jobs: [@Sendable (Database) throws -> Void] = [{ _ = try Self.insert(1)($0) }, twoRows(2, 1), twoRows(3, 4)]
            for (index, job) in jobs.enumerated() {
                group.addTask { (index + 1, (try? await batcher.submit(job)) != nil) }
                try? await Self.waitUntil { await batcher.queued == index + 1 }
            }
            release.signal()
            var all: [Int: Bool] = [:]
            for await (index, made) in group { all[index] = made }
            return all
        }
        #expect(outcomes == [0: true, 1: true, 2: false, 3: true])
        #expect(await batcher.commits == 2)
        #expect(try await pool.read { db in try Int.fetchAll(db, sql: "SELECT value FROM t ORDER BY value") } == [0, 1, 3, 4])
        try await batcher.submit(twoRows(5, 6))
        #expect(try await pool.read { db in try Int.fetchAll(db, sql: "SELECT value FROM t ORDER BY value") } == [0, 1, 3, 4, 5, 6])
    }
}
