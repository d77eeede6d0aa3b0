import Foundation
import GRDB
import Testing

@testable import Bot
@testable import Gate

/// ``SQLitePageCache``: every connection the bot opens on its two SQLite files keeps the small page cache instead of
/// SQLite's 2,000 KiB default (issue #13's idle memory), except the ledger's writer, whose claims in a large ledger
/// re-read their index pages from the write-ahead log with less.
@Suite struct SQLitePageCacheTests {
    static func cacheSize(_ db: Database) throws -> Int? { try Int.fetchOne(db, sql: "PRAGMA cache_size") }

    @Test func theLedgersReadersKeepTheSmallCacheAndItsWriterTheLarger() async throws {
        let ledger = try SQLiteLedger(path: InboxStoreTests.temporaryPath())
        #expect(try await ledger.database.write(Self.cacheSize) == -SQLitePageCache.kibibytesOfLedgerWriter)
        #expect(try await ledger.database.read(Self.cacheSize) == -SQLitePageCache.kibibytesPerConnection)
        #expect(SQLitePageCache.kibibytesOfLedgerWriter > SQLitePageCache.kibibytesPerConnection)
    }

    @Test func theInboxsConnectionsKeepTheSmallCache() async throws {
        let store = try InboxStore(path: InboxStoreTests.temporaryPath())
        let expected = -SQLitePageCache.kibibytesPerConnection
        #expect(try await store.database.write(Self.cacheSize) == expected)
        #expect(try await store.database.read(Self.cacheSize) == expected)
    }
}
