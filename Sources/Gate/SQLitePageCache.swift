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

    /// KiB of page cache of the ledger's writer (``SQLiteLedger``), which claims and completes: each claim looks its
    /// key up and inserts into two indexes of random keys (the Gate key and the event id), so in a large ledger every
    /// claim touches pages of its own, many still in the write-ahead log, which SQLite reads with `pread` (the log
    /// is not mapped). With 256 KiB a 1M-entry ledger re-read them commit after commit: `bench ledger` at 1M entries
    /// spent a tenth of its time copying pages in the kernel, and its 1M cost was 1.35–1.49× the 1k cost against
    /// 1.17–1.19× with 2,000 KiB (two runs each; measured when the bench's event ids were not yet random, so only the
    /// key index took random inserts there). With event ids like the bot's (both indexes random), three alternated
    /// rounds at 1M entries: 10,310, 10,980 and 13,190 claim+complete/s with 256 KiB, 12,161, 11,568 and 13,789 with
    /// 2,048, and 11,476, 13,183 and 14,248 with 8,192: the larger cache still helps, a larger one no more than the
    /// spread. The cache fills only as far as the writer touches pages: a small
    /// ledger keeps what it needs, a large one holds up to 2 MiB more resident memory than with the common size.
    public static let kibibytesOfLedgerWriter = 2_048

    /// Sets the cache of `db` to `kibibytes`; call it from `Configuration.prepareDatabase`, which runs for every
    /// connection.
    public static func apply(to db: Database, kibibytes: Int = kibibytesPerConnection) throws {
        try db.execute(sql: "PRAGMA cache_size = -\(kibibytes)")
    }
}
