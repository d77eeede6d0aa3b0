import GRDB

extension Database {
    /// `BEGIN IMMEDIATE` … `COMMIT` around `body` from statements prepared once per connection, as GRDB's
    /// `inTransaction(.immediate)` does but without preparing both statements again for every transaction (a quarter
    /// of an empty commit's CPU). Rolled back when `body` or the commit throws; the error is rethrown.
    @discardableResult
    public func inCachedImmediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try cachedStatement(sql: "BEGIN IMMEDIATE").execute()
        do {
            let result = try body()
            try cachedStatement(sql: "COMMIT").execute()
            return result
        } catch {
            if isInsideTransaction { try? cachedStatement(sql: "ROLLBACK").execute() }
            throw error
        }
    }

    /// A savepoint around `body` from cached statements (GRDB's `inSavepoint` prepares its three each time):
    /// released when `body` returns, rolled back to and released when it throws (the error is rethrown), so a
    /// failing job of a shared transaction leaves nothing behind and the transaction goes on.
    public func inCachedSavepoint(_ body: () throws -> Void) throws {
        try cachedStatement(sql: "SAVEPOINT job").execute()
        do {
            try body()
        } catch {
            try? cachedStatement(sql: "ROLLBACK TO SAVEPOINT job").execute()
            try? cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
            throw error
        }
        try cachedStatement(sql: "RELEASE SAVEPOINT job").execute()
    }
}

extension DatabaseWriter {
    /// GRDB's synchronous `write`, with its transaction from cached statements
    /// (``GRDB/Database/inCachedImmediateTransaction(_:)``).
    @discardableResult
    public func writeInCachedTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction { db in try db.inCachedImmediateTransaction { try body(db) } }
    }
}
