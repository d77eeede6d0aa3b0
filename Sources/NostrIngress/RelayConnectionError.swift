/// Errors a relay connection reports in its status (they never escape the pool).
public enum RelayConnectionError: Error, Sendable, CustomStringConvertible {
    /// TCP connect, TLS and upgrade did not finish in time.
    case handshakeTimedOut(Duration)

    public var description: String {
        switch self {
        case .handshakeTimedOut(let timeout): return "websocket handshake did not finish within \(timeout)"
        }
    }
}
