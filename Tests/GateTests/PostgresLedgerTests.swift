import Foundation
import Gate
import GatePostgres
import NIOConcurrencyHelpers
import TestSupport
import Testing

/// What only a shared ledger does: several instances claiming at once, leases, take-over, schema version.
@Suite(.enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES (scripts/test starts a private cluster)"))
struct PostgresLedgerTests {
    static func command(origin: String, issue: Int) -> Command {
        Command(
            source: "nostr:npub1a", repository: try! Repository("o/r"), payload: .closeIssue(issue: issue, comment: nil),
            origin: .init(eventID: origin, createdAt: 1), receivedAt: 1)
    }

    /// Three instances see the same 40 DMs (each delivered to all three, as relays do) and claim them all at
    /// once: every DM is claimed by exactly one instance, every other attempt learns the origin was seen.
    @Test func threeInstancesClaimEachEventOnce() async throws {
        try await LedgerBackend.withPostgresLedgers(count: 3) { ledgers in
            let outcomes = try await withThrowingTaskGroup(of: (Int, ClaimOutcome).self) { group in
                for (index, ledger) in ledgers.enumerated() {
                    for event in 0..<40 {
                        group.addTask {
                            let command = Self.command(origin: "event-\(event)", issue: event)
                            return (index, try await ledger.claim(key: IdempotencyKey(command), command: command, now: 100, window: 3600))
                        }
                    }
                }
                var all: [(Int, ClaimOutcome)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            let claimed = outcomes.compactMap { if case .claimed(let entry) = $0.1 { entry.originEventID } else { nil } }
            #expect(claimed.count == 40 && Set(claimed).count == 40)
            #expect(outcomes.filter { if case .originSeen = $0.1 { true } else { false } }.count == 80)
            #expect(try await ledgers[2].count() == 40)
        }
    }

    /// A claim belongs to its instance while the lease runs; another instance takes it over only after it
    /// expires, and the first then cannot renew it (so it must not write).
    @Test func leasesAreRenewedAndTakenOverOnlyWhenExpired() async throws {
        try await LedgerBackend.withPostgresLedgers(count: 2, lease: 30) { ledgers in
            let (a, b) = (ledgers[0], ledgers[1])
            let command = Self.command(origin: "e1", issue: 1)
            guard case .claimed(let entry) = try await a.claim(key: IdempotencyKey(command), command: command, now: 1000, window: 3600) else {
                Issue.record("first claim")
                return
            }
            // Within the lease: b neither lists it for recovery nor can take it; a renews it.
            #expect(try await b.claimedEntries(now: 1010).isEmpty)
            #expect(try await a.claimedEntries(now: 1010).map(\.id) == [entry.id])
            #expect(try await !b.takeOver(entry, now: 1010))
            #expect(try await a.renewLease(id: entry.id, now: 1020))  // now good until 1050
            #expect(try await !b.takeOver(entry, now: 1040))
            // Expired: b lists and takes it; a's renewal now fails.
            #expect(try await b.claimedEntries(now: 1051).map(\.id) == [entry.id])
            #expect(try await b.takeOver(entry, now: 1051))
            #expect(try await !a.renewLease(id: entry.id, now: 1052))
            #expect(try await !a.takeOver(entry, now: 1052))
            #expect(try await b.renewLease(id: entry.id, now: 1052))
            // Finished entries are nobody's to renew or take.
            try await b.complete(id: entry.id, result: "{}", at: 1053)
            #expect(try await !b.renewLease(id: entry.id, now: 1054))
            #expect(try await !a.takeOver(entry, now: 99_999))
            #expect(try await a.claimedEntries(now: 99_999).isEmpty)
        }
    }

    @Test func schemaVersionIsRecordedAndMigrationIsRepeatable() async throws {
        try await LedgerBackend.withPostgresLedgers(count: 2) { ledgers in
            #expect(try await ledgers[0].storedSchemaVersion() == PostgresLedger.schemaVersion)
            try await ledgers[1].migrate()
            #expect(try await ledgers[1].storedSchemaVersion() == PostgresLedger.schemaVersion)
        }
    }

    @Test func ledgerURLsAreCheckedWithMessages() {
        #expect(throws: PostgresLedgerError.self) { try PostgresLedger.configuration(url: "mysql://a@b/c", password: nil) }
        #expect(throws: PostgresLedgerError.self) { try PostgresLedger.configuration(url: "postgres://a:secret@b/c", password: nil) }
        #expect(throws: PostgresLedgerError.self) { try PostgresLedger.configuration(url: "postgres://a@b", password: nil) }
        #expect(throws: PostgresLedgerError.self) { try PostgresLedger.configuration(url: "postgres://b/c", password: nil) }
        let good = try? PostgresLedger.configuration(url: "postgres://gate@127.0.0.1:6543/ledger", password: "pw")
        #expect(good?.port == 6543 && good?.username == "gate" && good?.database == "ledger" && good?.host == "127.0.0.1")
    }
}

/// `?sslmode=` in the ledger URL, against the test server (which has no TLS).
@Suite(.enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES (scripts/test starts a private cluster)"))
struct PostgresTLSTests {
    /// Migrates a ledger at `url` with `password`; the error, or nil when it worked. Bounded: 15 s.
    static func migrate(_ url: String, password: String? = PostgresScratch.password) async throws -> (any Error)? {
        let ledger = try PostgresLedger(url: url, password: password, instance: "tls-test", logger: PostgresScratch.quiet)
        return await withTaskGroup(of: (any Error)??.self) { group in
            group.addTask {
                await ledger.run()
                return nil
            }
            group.addTask {
                do {
                    try await ledger.migrate()
                    return .some(nil)
                } catch { return .some(error) }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(15))
                return .some(CancellationError())
            }
            var outcome: (any Error)?? = nil
            while outcome == nil, let next = await group.next() { outcome = next }
            group.cancelAll()
            return outcome ?? nil
        }
    }

    /// `sslmode=require` refuses a server without TLS at once, saying so (no fallback to plain text, no minute of
    /// silent retries); `prefer` falls back, `disable` never asks.
    @Test func requireRefusesAServerWithoutTLSAndPreferFallsBack() async throws {
        let database = try await PostgresScratch.createDatabase()
        let started = ContinuousClock.now
        let refused = try #require(try await Self.migrate(database + "?sslmode=require"), "sslmode=require connected without TLS")
        #expect(ContinuousClock.now - started < .seconds(10), "refused only after \(ContinuousClock.now - started)")
        guard case .refused(let reason) = refused as? PostgresLedgerError else {
            Issue.record("\(String(reflecting: refused))")
            return
        }
        #expect(reason.contains("does not offer TLS") && reason.contains("sslmode=require"), "\(reason)")
        #expect(try await Self.migrate(database + "?sslmode=prefer") == nil)
        #expect(try await Self.migrate(database + "?sslmode=disable") == nil)
    }

    /// A wrong password and an unknown database are refusals with the server's reason, and the password is not in it.
    @Test func aWrongPasswordOrDatabaseIsRefusedWithTheServersReason() async throws {
        let database = try await PostgresScratch.createDatabase()
        let wrong = "Wr0ng-" + UUID().uuidString
        let badPassword = try #require(try await Self.migrate(database, password: wrong))
        #expect("\(badPassword)".contains("SQLSTATE 28P01") && !"\(badPassword)".contains(wrong), "\(badPassword)")
        let badDatabase = try #require(try await Self.migrate(database + "_missing"))
        #expect("\(badDatabase)".contains("SQLSTATE 3D000"), "\(badDatabase)")
    }
}

/// Two Gates (instances) on one PostgreSQL ledger and the Gitea simulator: a claim left by an instance that died
/// before writing is reconciled by the other only once its lease has run out, and executed once.
@Suite(.enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES (scripts/test starts a private cluster)"))
struct PostgresGateTakeOverTests {
    final class Clock: Sendable {
        let value = NIOLockedValueBox(Int64(Date().timeIntervalSince1970))
        func advance(_ seconds: Int64) { value.withLockedValue { $0 += seconds } }
        var now: Int64 { value.withLockedValue { $0 } }
    }

    @Test func anExpiredClaimIsReconciledByAnotherInstanceAndWrittenOnce() async throws {
        try await SimulatorHarness.with { h in
            try await LedgerBackend.withPostgresLedgers(count: 2, lease: 30) { ledgers in
                let clock = Clock()
                let gates = ledgers.map {
                    GateExecutor(
                        ledger: $0, forge: h.client(), botLogin: "gatebot", logger: PostgresScratch.quiet,
                        now: { clock.now })
                }
                let command = SimulatorHarness.command(.createIssue(title: "Taken over", body: "b", labels: [], assignees: []))
                // Instance 0 claims, then dies before touching Gitea.
                guard case .claimed = try await ledgers[0].claim(key: IdempotencyKey(command), command: command, now: clock.now, window: 86400) else {
                    Issue.record("claim")
                    return
                }
                // Instance 1 restarts its recovery while the lease is alive: hands off.
                #expect(await gates[1].recover().isEmpty)
                #expect(await h.state.writes.isEmpty)
                // The lease runs out: instance 1 takes over, probes Gitea (nothing), executes once.
                clock.advance(31)
                let acks = await gates[1].recover()
                #expect(acks.count == 1 && acks.first?.success == true, "\(acks)")
                #expect(await h.state.writes.count == 1)
                // Nothing left to reconcile anywhere; the DM re-delivered to either instance is answered from the ledger.
                #expect(await gates[0].recover().isEmpty)
                #expect(await gates[1].recover().isEmpty)
                #expect(await gates[0].handle(command).priorExecution)
                #expect(await h.state.writes.count == 1)
                #expect(await h.state.items(SimulatorHarness.repo).filter { $0.title == "Taken over" }.count == 1)
            }
        }
    }
}

/// Confirmations shared by instances: the preview on one, the `yes` on the other (and a second `yes` at once on
/// the first) merge once.
@Suite(.enabled(if: PostgresScratch.testsRun, "needs OPERATOR_GATE_TEST_POSTGRES (scripts/test starts a private cluster)"))
struct PostgresConfirmationTests {
    @Test func aYesOnAnotherInstanceExecutesOnce() async throws {
        try await SimulatorHarness.with { h in
            try await LedgerBackend.withPostgresLedgers(count: 2) { ledgers in
                let gates = ledgers.map { GateExecutor(ledger: $0, forge: h.client(), botLogin: "gatebot", logger: PostgresScratch.quiet) }
                let preview = await gates[0].handle(
                    SimulatorHarness.command(.mergePR(pr: 1, style: .merge, headSHA: nil, deleteBranch: false)), confirmFirst: true)
                let code = try #require(GateConfirmationTests.code(preview), "\(preview.message)")
                let answers = await withTaskGroup(of: Ack.self) { group in
                    for gate in gates { group.addTask { await gate.handle(SimulatorHarness.command(.confirm(code: code, accept: true))) } }
                    return await group.reduce(into: [Ack]()) { $0.append($1) }
                }
                #expect(answers.allSatisfy { $0.success && $0.state == .merged }, "\(answers.map(\.sentence))")
                #expect(await h.state.writes.filter { $0.1.hasSuffix("/merge") }.count == 1)
            }
        }
    }
}
