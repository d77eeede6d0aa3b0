import GRDB

extension InboxStore {
    /// Migration `inbox-v5-seen-without-rowid`: `inbox_seen` as a `WITHOUT ROWID` table keyed by the id.
    ///
    /// A rowid table with a text primary key is two B-trees, the rows and an index of the ids (random: event ids
    /// are hashes), so every recorded id wrote a leaf of each, three pages with the time index; keyed by the id it is
    /// one B-tree, and each recorded id writes two pages: a third fewer in every answer's commit and in every batch of
    /// strangers' ids. The table is pruned to what relays could still deliver, so the copy is small.
    static func rebuildSeenWithoutRowID(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE inbox_seen_v5 (
                    id TEXT NOT NULL PRIMARY KEY, message_time INTEGER NOT NULL, seen_at INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO inbox_seen_v5 (id, message_time, seen_at) SELECT id, message_time, seen_at FROM inbox_seen;
                DROP TABLE inbox_seen;
                ALTER TABLE inbox_seen_v5 RENAME TO inbox_seen;
                CREATE INDEX inbox_seen_by_time ON inbox_seen (message_time);
                """)
    }
}
