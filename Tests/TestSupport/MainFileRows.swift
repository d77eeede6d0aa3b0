import Foundation
import GRDB

/// Rows of `table` in a copy of the SQLite database file at `path` taken alone, without its write-ahead log: what
/// checkpoints have moved into the main file so far (0 when even the table is only in the log).
public func rowsInMainFileAlone(_ path: String, table: String) throws -> Int {
    let copy = ScratchDirectory.root.appendingPathComponent("og-copy-\(UUID().uuidString).sqlite").path
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    defer { try? FileManager.default.removeItem(atPath: copy) }
    return try DatabaseQueue(path: copy).read { db in (try? Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")) ?? 0 }
}

/// Waits (up to 2 s, reading every 20 ms) until the main file alone holds `count` rows of `table`; returns the last
/// count read.
public func rowsInMainFileAlone(_ path: String, table: String, reaching count: Int) async throws -> Int {
    var rows = 0
    for _ in 0..<100 where rows < count {
        try await Task.sleep(for: .milliseconds(20))
        rows = try rowsInMainFileAlone(path, table: table)
    }
    return rows
}
