import Encoding

/// Why a relay-protocol frame could not be parsed. A malformed frame is always this value, never a crash.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not JSON, or not a non-empty array whose first element is a string.
    case malformed(String)
    /// The first element names no known message type.
    case unknownType(String)
    /// An element is missing or of the wrong type.
    case invalidField(type: String, position: Int, expected: String)
    /// The embedded event does not have an event's shape.
    case invalidEvent(EventError)
    /// A REQ filter is malformed.
    case invalidFilter(String)

    public var description: String {
        switch self {
        case .malformed(let detail): return "malformed frame: \(detail.utf8Prefix(200))"
        case .unknownType(let type): return "unknown message type '\(type.utf8Prefix(32))'"
        case .invalidField(let type, let position, let expected): return "\(type) frame element \(position) must be \(expected)"
        case .invalidEvent(let error): return "frame carries an invalid event: \(error)"
        case .invalidFilter(let detail): return "REQ filter is invalid: \(detail.utf8Prefix(200))"
        }
    }
}
