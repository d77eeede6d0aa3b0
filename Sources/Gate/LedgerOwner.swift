import Foundation

/// Names the process that holds a SQLite ledger claim, and tells whether such a process is gone.
public enum LedgerOwner {
    /// `host:pid` of this process.
    public static let currentProcess = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    /// Whether `owner` names a process on this host that no longer exists. A reused process id only makes the
    /// caller wait for the lease (the process looks alive), never take a live claim.
    public static func isDeadLocalProcess(_ owner: String) -> Bool {
        guard let colon = owner.lastIndex(of: ":"), owner[..<colon] == ProcessInfo.processInfo.hostName,
            let pid = pid_t(owner[owner.index(after: colon)...]), pid > 0
        else { return false }
        return kill(pid, 0) == -1 && errno == ESRCH
    }
}
