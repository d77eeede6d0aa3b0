import Foundation
import GRDB
import TestSupport
import Testing

@testable import Gate

@Suite struct ClaimRuleTests {
    static func entry(state: LedgerEntry.State, at: Int64) -> LedgerEntry {
        LedgerEntry(
            id: 1, key: IdempotencyKey(hex: "aa"), originEventID: nil, action: .closeIssue, repository: "o/r", command: "{}", state: state,
            claimedAt: at, completedAt: nil, result: nil, error: nil)
    }

    /// The table in `ClaimRule`'s doc comment, row by row.
    @Test func everyRowOfTheTable() {
        let day: Int64 = 86_400
        let now: Int64 = 10 * day
        let done = Self.entry(state: .done, at: now - 100)
        #expect(ClaimRule.decide(byOrigin: done, latestWithKey: nil, again: true, now: now, window: day) == .originSeen(done))
        #expect(ClaimRule.decide(byOrigin: nil, latestWithKey: done, again: false, now: now, window: day) == .duplicate(done))
        let claimed = Self.entry(state: .claimed, at: now - 100)
        #expect(ClaimRule.decide(byOrigin: nil, latestWithKey: claimed, again: false, now: now, window: day) == .duplicate(claimed))
        // `again` never bypasses a claim that is not finished (it could write twice), however old.
        #expect(ClaimRule.decide(byOrigin: nil, latestWithKey: claimed, again: true, now: now, window: day) == .duplicate(claimed))
        let stale = Self.entry(state: .claimed, at: now - 3 * day)
        #expect(ClaimRule.decide(byOrigin: nil, latestWithKey: stale, again: true, now: now, window: day) == .duplicate(stale))
        #expect(ClaimRule.decide(byOrigin: nil, latestWithKey: done, again: true, now: now, window: day) == .execute)
        #expect(
            ClaimRule.decide(byOrigin: nil, latestWithKey: Self.entry(state: .failed, at: now - 100), again: false, now: now, window: day) == .execute
        )
        #expect(
            ClaimRule.decide(byOrigin: nil, latestWithKey: Self.entry(state: .done, at: now - day), again: false, now: now, window: day) == .execute)
        #expect(ClaimRule.decide(byOrigin: nil, latestWithKey: nil, again: false, now: now, window: day) == .execute)
    }
}

/// The ledger contract, on every backend (``LedgerBackend``), and what is particular to SQLite.
@Suite struct SQLiteLedgerTests {
    static func path() -> String {
        ScratchDirectory.root.appendingPathComponent("og-ledger-\(UUID().uuidString)/ledger.sqlite").path
    }

    static func command(origin: String?, again: Bool = false, issue: Int = 12) -> Command {
        Command(
            source: "nostr:npub1a", repository: try! Repository("o/r"), payload: .closeIssue(issue: issue, comment: nil),
            origin: origin.map { .init(eventID: $0, createdAt: 1) }, receivedAt: 1, again: again)
    }

    @Test(arguments: LedgerBackend.available)
    func claimCompleteAndDuplicates(backend: LedgerBackend) async throws {
        try await backend.withLedger { ledger in
            let first = Self.command(origin: "e1")
            let key = IdempotencyKey(first)
            guard case .claimed(let entry) = try await ledger.claim(key: key, command: first, now: 1000, window: 3600) else {
                Issue.record("first claim must execute")
                return
            }
            // Same event again (relay re-delivery): never.
            guard case .originSeen = try await ledger.claim(key: key, command: first, now: 1001, window: 3600) else {
                Issue.record("origin")
                return
            }
            // Same text in a new DM while the first is still running: duplicate of the claimed entry.
            guard case .duplicate(let running) = try await ledger.claim(key: key, command: Self.command(origin: "e2"), now: 1002, window: 3600),
                running.state == .claimed
            else {
                Issue.record("in-progress duplicate")
                return
            }
            try await ledger.complete(id: entry.id, result: #"{"url":"x"}"#, at: 1003)
            guard case .duplicate(let finished) = try await ledger.claim(key: key, command: Self.command(origin: "e3"), now: 1004, window: 3600)
            else {
                Issue.record("duplicate after completion")
                return
            }
            #expect(finished.state == .done && finished.result == #"{"url":"x"}"#)
            // "again" bypasses the window; after the window a plain repeat executes.
            guard
                case .claimed(let repeated) = try await ledger.claim(
                    key: key, command: Self.command(origin: "e4", again: true), now: 1005, window: 3600)
            else {
                Issue.record("again")
                return
            }
            // While that one is claimed, nothing bypasses it: not `again`, not the end of the window.
            guard case .duplicate = try await ledger.claim(key: key, command: Self.command(origin: "e4b", again: true), now: 1006, window: 3600),
                case .duplicate = try await ledger.claim(key: key, command: Self.command(origin: "e4c"), now: 1006 + 3600, window: 3600)
            else {
                Issue.record("a claim was bypassed")
                return
            }
            try await ledger.complete(id: repeated.id, result: "{}", at: 1006)
            guard case .claimed = try await ledger.claim(key: key, command: Self.command(origin: "e5"), now: 1005 + 3600, window: 3600) else {
                Issue.record("after window")
                return
            }
            #expect(try await ledger.count() == 3)
            #expect(try await ledger.entry(originEventID: "e1")?.state == .done)
            #expect(try await ledger.latest(key: key)?.originEventID == "e5")
            #expect(try await ledger.entries(keyPrefix: key.short, limit: 10).count == 3)
            #expect(try await ledger.entries(state: .done, since: nil, limit: 10).map(\.originEventID) == ["e4", "e1"])
            #expect(try await ledger.entries(state: nil, since: 1005, limit: 10).map(\.originEventID) == ["e5", "e4"])
            #expect(try await ledger.claimedEntries(now: 1006).map(\.originEventID) == ["e5"])
            #expect(await ledger.isWritable())
        }
    }

    /// The baseline a workflow write records before it is sent: read back as written, replaced by the next attempt's,
    /// and left alone once the entry is finished (a late writer changes nothing).
    @Test(arguments: LedgerBackend.available)
    func baselinesAreRecordedOnClaimsOnly(backend: LedgerBackend) async throws {
        try await backend.withLedger { ledger in
            let command = Self.command(origin: "e1")
            guard case .claimed(let entry) = try await ledger.claim(key: IdempotencyKey(command), command: command, now: 10, window: 3600) else {
                Issue.record("first claim must execute")
                return
            }
            #expect(try await ledger.baseline(id: entry.id) == nil)
            try await ledger.recordBaseline(id: entry.id, value: "first attempt")
            try await ledger.recordBaseline(id: entry.id, value: "second attempt")
            #expect(try await ledger.baseline(id: entry.id) == "second attempt")
            try await ledger.complete(id: entry.id, result: "{}", at: 11)
            try await ledger.recordBaseline(id: entry.id, value: "too late")
            #expect(try await ledger.baseline(id: entry.id) == "second attempt")
        }
    }

    /// Pending confirmations: a taken code is refused, only a pending one settles (once), and week-old ones are
    /// deleted when another is stored.
    @Test(arguments: LedgerBackend.available)
    func confirmationsSettleOnce(backend: LedgerBackend) async throws {
        try await backend.withLedger { ledger in
            let pending = PendingConfirmation(
                code: "K7F2", source: "nostr:alice", command: #"{"a":1}"#, snapshot: "{}", createdAt: 1000, expiresAt: 1600)
            let inserted = try await ledger.insertConfirmation(pending, now: 1000)
            #expect(inserted)
            #expect(try await ledger.insertConfirmation(pending, now: 1001) == false, "a code in use is refused")
            #expect(try await ledger.confirmation(code: "K7F2") == pending)
            #expect(try await ledger.confirmation(code: "ZZZZ") == nil)
            #expect(try await ledger.settleConfirmation(code: "K7F2", to: .confirmed, at: 1100) == true)
            #expect(try await ledger.settleConfirmation(code: "K7F2", to: .declined, at: 1101) == false)
            #expect(try await ledger.confirmation(code: "K7F2")?.state == .confirmed)
            let later = PendingConfirmation(code: "AAAA", source: "s", command: "{}", snapshot: "{}", createdAt: 1600 + 8 * 86_400, expiresAt: 0)
            #expect(try await ledger.insertConfirmation(later, now: 1600 + 8 * 86_400) == true)
            #expect(try await ledger.confirmation(code: "K7F2") == nil, "expired more than a week ago: deleted")
        }
    }

    /// `ledger list --operator`: entries are found by the operator their command names (the audit trail).
    @Test(arguments: LedgerBackend.available)
    func entriesByOperator(backend: LedgerBackend) async throws {
        try await backend.withLedger { ledger in
            for (index, name) in ["alice", "bob", "alice", nil].enumerated() {
                var command = Self.command(origin: "e\(index)", issue: index + 1)
                (command.operatorName, command.actingUser) = (name, name.map { $0 + "-gitea" })
                _ = try await ledger.claim(key: IdempotencyKey(command), command: command, now: 10, window: 3600)
            }
            let alice = try await ledger.entries(state: nil, since: nil, operatorName: "alice", limit: 10)
            #expect(alice.count == 2 && alice.allSatisfy { $0.command.contains(#""operator":"alice","acting_user":"alice-gitea""#) })
            #expect(try await ledger.entries(state: nil, since: nil, operatorName: "carol", limit: 10).isEmpty)
            #expect(try await ledger.entries(state: nil, since: nil, limit: 10).count == 4)
        }
    }

    @Test(arguments: LedgerBackend.available)
    func failedEntriesMayRunAgain(backend: LedgerBackend) async throws {
        try await backend.withLedger { ledger in
            let command = Self.command(origin: "e1")
            guard case .claimed(let entry) = try await ledger.claim(key: IdempotencyKey(command), command: command, now: 10, window: 3600) else {
                return
            }
            try await ledger.fail(id: entry.id, error: "404: no such issue", at: 11)
            guard case .claimed = try await ledger.claim(key: IdempotencyKey(command), command: Self.command(origin: "e2"), now: 12, window: 3600)
            else {
                Issue.record("a failed command (nothing written) may be retried")
                return
            }
        }
    }

    /// 50 identical commands (distinct events) claimed at once: exactly one executes.
    @Test(arguments: LedgerBackend.available)
    func fiftyConcurrentClaimsExecuteOnce(backend: LedgerBackend) async throws {
        try await backend.withLedger { ledger in
            let outcomes = await withTaskGroup(of: ClaimOutcome?.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let command = Self.command(origin: "event-\(index)")
                        return try? await ledger.claim(key: IdempotencyKey(command), command: command, now: 100, window: 3600)
                    }
                }
                var all: [ClaimOutcome?] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.count == 50 && outcomes.allSatisfy { $0 != nil })
            #expect(outcomes.filter { if case .claimed = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { if case .duplicate = $0 { true } else { false } }.count == 49)
            // SQLite: every claim went through the batcher. How many commits they shared depends on how the tasks were
            // scheduled; `WriteBatcherTests` holds the writer to assert the sharing itself.
            if let sqlite = ledger as? SQLiteLedger {
                let statistics = await sqlite.commitStatistics()
                #expect(statistics.jobs == 50, "\(statistics)")
            }
        }
    }

    /// Commands share commits, and one whose task is cancelled (a shutdown's timeout) must not take the others of its
    /// commit down with it: every claim of a task that was not cancelled is made.
    @Test func aCancelledClaimDoesNotFailTheOthersOfItsCommit() async throws {
        let ledger = try SQLiteLedger(path: Self.path())
        for round in 0..<10 {
            let tasks = (0..<40).map { index in
                Task { () -> Bool in
                    let command = Self.command(origin: "r\(round)-e\(index)", issue: index + 1)
                    return (try? await ledger.claim(key: IdempotencyKey(command), command: command, now: 100, window: 3600)) != nil
                }
            }
            for (index, task) in tasks.enumerated() where index % 2 == 0 { task.cancel() }
            for (index, task) in tasks.enumerated() where index % 2 == 1 {
                let claimed = await task.value
                #expect(claimed, "round \(round): claim \(index), never cancelled, failed")
            }
        }
    }

    /// A claim is on disk before Gitea is touched: a new process (a reopened ledger) sees it as still claimed.
    @Test func claimsSurviveReopening() async throws {
        let path = Self.path()
        do {
            let ledger = try SQLiteLedger(path: path)
            let command = Self.command(origin: "e1")
            _ = try await ledger.claim(key: IdempotencyKey(command), command: command, now: 10, window: 3600)
        }
        let reopened = try SQLiteLedger(path: path)
        #expect(try reopened.claimedEntries().map(\.originEventID) == ["e1"])
    }

    /// `maintain()` checkpoints after commits, not on a timer: a copy of the main database file alone (without its
    /// write-ahead log) holds a claim once the checkpoint after it ran, and does not while nobody maintains.
    @Test func checkpointsFollowCommits() async throws {
        let path = Self.path()
        let ledger = try SQLiteLedger(path: path)
        let first = Self.command(origin: "e1")
        _ = try await ledger.claim(key: IdempotencyKey(first), command: first, now: 10, window: 3600)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try rowsInMainFileAlone(path, table: "ledger") == 0, "without maintain(), the claim is only in the write-ahead log")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await ledger.maintain(interval: .milliseconds(50)) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try rowsInMainFileAlone(path, table: "ledger") == 0, "no commit since maintain() started: no checkpoint")
            let second = Self.command(origin: "e2", issue: 13)
            _ = try await ledger.claim(key: IdempotencyKey(second), command: second, now: 11, window: 3600)
            let rows = try await rowsInMainFileAlone(path, table: "ledger", reaching: 2)
            #expect(rows == 2, "the commit woke the checkpointer")
            group.cancelAll()
        }
    }

    /// After a pause, the checkpointer restarts the fully checkpointed log itself: the log's header (its checkpoint
    /// sequence and salts) changes with no write of the ledger's, and the next claim writes into that restarted
    /// log instead of restarting it again (and syncing its header inside the claim's commit).
    @Test func aPauseRestartsTheLogBesideTheWriter() async throws {
        let path = Self.path()
        let ledger = try SQLiteLedger(path: path)
        /// Bytes 12..<24 of the log's header: checkpoint sequence, salt 1, salt 2.
        func logHeader() throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path + "-wal"))[12..<24]) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The production quiet time: the header read right after the last claim comes long before it ends.
            group.addTask { await ledger.maintain(interval: .milliseconds(200)) }
            for issue in 1...20 {
                let command = Self.command(origin: "e\(issue)", issue: issue)
                _ = try await ledger.claim(key: IdempotencyKey(command), command: command, now: 10, window: 3600)
            }
            let written = try logHeader()
            var restarted = written
            let deadline = ContinuousClock.now + .seconds(10)
            while restarted == written && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                restarted = try logHeader()
            }
            #expect(restarted != written, "the log was not restarted after the pause")
            #expect(try rowsInMainFileAlone(path, table: "ledger") == 20, "the pause's checkpoint took every claim")
            group.cancelAll()
        }
        // The checkpointer has stopped: whatever changes the header now is the claim's own commit.
        let restarted = try logHeader()
        let next = Self.command(origin: "e21", issue: 21)
        _ = try await ledger.claim(key: IdempotencyKey(next), command: next, now: 11, window: 3600)
        #expect(try logHeader() == restarted, "the claim after the pause restarted the log itself")
        #expect(try ledger.latest(key: IdempotencyKey(next))?.originEventID == "e21")
    }
}
