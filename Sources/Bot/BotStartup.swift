import Gate
import GatePostgres
import Logging

/// What the bot does once, before it takes messages: creates or upgrades a shared database's tables (retrying for
/// up to 30 s while the database comes up), reconciles ledger entries a crash left `claimed` (probing Gitea), and
/// queues the stored replies that were not published.
public struct BotStartup: Sendable {
    let postgres: PostgresLedger?
    let gate: GateExecutor
    let publisher: ReplyPublisher
    let logger: Logger

    public func run() async throws {
        if let postgres { try await migrate(postgres) }
        let recovered = await gate.recover()
        if !recovered.isEmpty {
            logger.notice("reconciled commands left claimed by a crash", metadata: ["count": "\(recovered.count)"])
        }
        await publisher.enqueuePending()
    }

    private func migrate(_ postgres: PostgresLedger) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do {
                try await postgres.migrate()
                logger.notice("shared ledger ready", metadata: ["instance": "\(postgres.instance)"])
                return
            } catch let refused as PostgresLedgerError {
                // Wrong settings (TLS, password, user, database): retrying does not help.
                throw refused
            } catch {
                guard ContinuousClock.now < deadline, !Task.isCancelled else { throw error }
                logger.warning("shared ledger not reachable yet; retrying", metadata: ["error": "\(String(reflecting: error))"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
