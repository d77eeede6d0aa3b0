import Foundation
import GRDB

extension InboxStore {
    /// Creates the relay-list cache table (migration `inbox-v3-relay-lists`).
    static func createRelayListTable(_ db: Database) throws {
        try db.create(table: "relay_lists") { table in
            table.primaryKey("pubkey", .text)
            table.column("lists", .text).notNull()
            table.column("fetched_at", .integer).notNull()
        }
    }

    /// The cached relay lists of `pubkey` (hex), if any.
    public func relayLists(of pubkey: String) throws -> KnownRelayLists? {
        try database.read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT lists FROM relay_lists WHERE pubkey = ?", arguments: [pubkey]) else {
                return nil
            }
            return try? JSONDecoder().decode(KnownRelayLists.self, from: Data(text.utf8))
        }
    }

    /// Caches the relay lists of `pubkey` (hex).
    public func storeRelayLists(_ lists: KnownRelayLists, of pubkey: String) throws {
        let text = String(decoding: try JSONEncoder().encode(lists), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO relay_lists (pubkey, lists, fetched_at) VALUES (?, ?, ?) "
                    + "ON CONFLICT(pubkey) DO UPDATE SET lists = excluded.lists, fetched_at = excluded.fetched_at",
                arguments: [pubkey, text, lists.fetchedAt])
        }
    }
}
