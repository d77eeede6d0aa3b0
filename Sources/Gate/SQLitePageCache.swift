import GRDB

/// How much page cache each SQLite connection of the bot keeps (issue #13).
///
/// SQLite's default is 2,000 KiB per connection, and the bot opens several: the ledger's writer and readers, the
/// inbox's writer and readers. After a few hundred commands their caches held 3.0 of the 8 MB the idle `run`
/// process had written (`sqlite3_memory_used()`), and more after a burst. A transaction here touches a few pages
/// and the ledger reads through `mmap`, so 256 KiB keeps what a commit needs; a page read again comes from the
/// operating system's cache, as the ledger's `mmap` pages do.
public enum SQLitePageCache {
    /// KiB of page cache per connection.
    public static let kibibytesPerConnection = 256

    /// Sets the cache of `db`; call it from `Configuration.prepareDatabase`, which runs for every connection.
    public static func apply(to db: Database) throws {
        try db.execute(sql: "PRAGMA cache_size = -\(kibibytesPerConnection)")
    }
}
