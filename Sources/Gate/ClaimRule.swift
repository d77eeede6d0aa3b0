/// The rule that decides whether a command executes, as a pure function of what the ledger holds.
///
/// | ledger holds                                   | `again` | decision      |
/// |------------------------------------------------|---------|---------------|
/// | an entry with the same origin event id         | any     | `originSeen`  |
/// | same key, claimed or done, inside the window   | false   | `duplicate`   |
/// | same key, claimed (not finished), any age      | any     | `duplicate`   |
/// | same key, done, inside the window              | true    | execute       |
/// | same key, failed (nothing was written)         | any     | execute       |
/// | same key, older than the window                | any     | execute       |
/// | nothing                                        | any     | execute       |
///
/// A `claimed` entry is reported as a duplicate even with `again`: another worker is on it, or a crash left it
/// for recovery, which probes Gitea before anything runs again (the Gate waits for it or takes it over once its
/// lease ran out). `again` repeats finished commands only.
public enum ClaimRule {
    public enum Decision: Sendable, Equatable {
        case execute
        case originSeen(LedgerEntry)
        case duplicate(LedgerEntry)
    }

    public static func decide(byOrigin: LedgerEntry?, latestWithKey: LedgerEntry?, again: Bool, now: Int64, window: Int64) -> Decision {
        if let byOrigin { return .originSeen(byOrigin) }
        guard let latest = latestWithKey, latest.state != .failed else { return .execute }
        if latest.state == .claimed { return .duplicate(latest) }
        guard !again, now - latest.claimedAt < window else { return .execute }
        return .duplicate(latest)
    }
}
