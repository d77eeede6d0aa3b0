/// What can go wrong with the PostgreSQL ledger, in words an operator can act on.
public enum PostgresLedgerError: Error, CustomStringConvertible, Sendable {
    case schemaTooNew(found: Int, supported: Int)
    case corruptRow(id: Int64)
    case invalidURL(String)
    /// The server turned the connection down for a reason retrying does not fix (no TLS under sslmode=require, a
    /// wrong password or user, an unknown database).
    case refused(String)

    public var description: String {
        switch self {
        case .schemaTooNew(let found, let supported):
            return "the ledger database has schema version \(found), newer than this operator-gate supports (\(supported)); upgrade operator-gate"
        case .corruptRow(let id):
            return "ledger row \(id) has an unknown action or state"
        case .invalidURL(let detail):
            return "ledger URL: \(detail)"
        case .refused(let detail):
            return "the ledger database refused the connection: \(detail)"
        }
    }
}
