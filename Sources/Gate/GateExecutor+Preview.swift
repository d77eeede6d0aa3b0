extension GateExecutor {
    /// What ``handle(_:)`` would do with `command`, without writing anything (for `replay --dry-run`).
    public enum Preview: Sendable, Equatable {
        /// It would run (or, for `show` and `status`, read) on Gitea.
        case execute
        /// It would be answered from the ledger: `reason` says why.
        case replay(reason: String)
    }

    /// Reads the ledger and applies ``ClaimRule`` as a claim at `now` would.
    public func preview(_ command: Command, now: Int64) async throws -> Preview {
        switch command.payload {
        case .show, .status: return .execute
        default: break
        }
        let key = IdempotencyKey(command)
        var byOrigin: LedgerEntry?
        if let origin = command.origin { byOrigin = try await ledger.entry(originEventID: origin.eventID) }
        switch ClaimRule.decide(
            byOrigin: byOrigin, latestWithKey: try await ledger.latest(key: key), again: command.again, now: now,
            window: configuration.duplicateWindow)
        {
        case .execute:
            return .execute
        case .originSeen(let entry):
            return .replay(reason: "this event was handled before (ledger entry \(entry.key.short), \(entry.state.rawValue))")
        case .duplicate(let entry):
            return .replay(
                reason:
                    "the same command ran \(now - entry.claimedAt) s earlier (key \(entry.key.short), \(entry.state.rawValue)); prefix with \"again\" to repeat it"
            )
        }
    }
}
