/// What a `yes CODE` or `no CODE` does, as a pure function of the stored confirmation, who answers, and when.
///
/// | stored confirmation            | answer from            | yes                    | no                    |
/// |--------------------------------|------------------------|------------------------|-----------------------|
/// | none                           | anyone                 | `unknown`              | `unknown`             |
/// | any                            | another source         | `unknown` (stays valid for its owner)          ||
/// | pending, now > expires_at      | its source             | `expired`              | `expired`             |
/// | pending                        | its source             | `execute`              | `decline`             |
/// | confirmed                      | its source             | `repeat` (the Gate answers from its ledger)    ||
/// | declined                       | its source             | `alreadyDeclined`      | `alreadyDeclined`     |
/// | stale (target changed)         | its source             | `alreadyStale`         | `alreadyStale`        |
public enum ConfirmationRule {
    public enum Decision: Equatable, Sendable {
        case unknown
        case expired
        case execute
        case decline
        /// Confirmed before: hand the stored command to the Gate again, which answers with the first result.
        case repeatResult
        case alreadyDeclined
        case alreadyStale
    }

    public static func decide(_ found: PendingConfirmation?, source: String, accept: Bool, now: Int64) -> Decision {
        guard let found, found.source == source else { return .unknown }
        switch found.state {
        case .pending where now > found.expiresAt: return .expired
        case .pending: return accept ? .execute : .decline
        case .confirmed: return .repeatResult
        case .declined: return .alreadyDeclined
        case .stale: return .alreadyStale
        }
    }
}
