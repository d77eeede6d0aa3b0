import Encoding
import Foundation

/// A message from relay to client (NIP-01, NIP-42).
public enum RelayMessage: Hashable, Sendable {
    /// `["EVENT", <subscription id>, <event>]`. The event is shape-checked only: verify it.
    case event(subscriptionID: String, event: Event)
    /// `["OK", <event id>, <true|false>, <message>]`. The id may be empty or unknown (some relays send that).
    case ok(eventID: String, accepted: Bool, message: String)
    /// `["EOSE", <subscription id>]`: stored events are done, live ones follow.
    case eose(subscriptionID: String)
    /// `["CLOSED", <subscription id>, <message>]`: the relay ended the subscription.
    case closed(subscriptionID: String, message: String)
    /// `["NOTICE", <message>]`: human-readable.
    case notice(String)
    /// `["AUTH", <challenge>]` (NIP-42).
    case auth(challenge: String)

    /// The machine-readable prefix of an OK or CLOSED message, if any.
    public var prefix: MachineReadablePrefix? {
        switch self {
        case .ok(_, _, let message), .closed(_, let message): return MachineReadablePrefix(message: message)
        default: return nil
        }
    }

    /// Parses a relay frame. Never verifies the event it may carry; a malformed frame throws ``FrameError``.
    public static func parse(_ frame: String) throws(FrameError) -> RelayMessage {
        // Plain EVENT frames take a one-pass scanner; everything else (and anything unusual in them) the full decoder.
        if let (subscriptionID, event) = EventFrameScanner.scan(frame) { return .event(subscriptionID: subscriptionID, event: event) }
        return try decodeFully(frame)
    }

    /// The full decoder (Foundation's `JSONDecoder`), for every frame the scanner does not take. Public for the
    /// differential fuzz target, which checks that the fast paths never disagree with it.
    public static func decodeFully(_ frame: String) throws(FrameError) -> RelayMessage {
        try FrameDecoding.decode(frame) { container, type throws in
            switch type {
            case "EVENT":
                let subscriptionID = try FrameDecoding.subscriptionID(&container, type: type)
                return .event(subscriptionID: subscriptionID, event: try FrameDecoding.event(&container, type: type))
            case "OK":
                let eventID = try FrameDecoding.string(&container, type: type, expected: "an event id")
                let position = container.currentIndex
                guard !container.isAtEnd, let accepted = try? container.decode(Bool.self) else {
                    throw FrameError.invalidField(type: type, position: position, expected: "true or false")
                }
                return .ok(eventID: eventID, accepted: accepted, message: try FrameDecoding.optionalString(&container, type: type))
            case "EOSE":
                return .eose(subscriptionID: try FrameDecoding.subscriptionID(&container, type: type))
            case "CLOSED":
                let subscriptionID = try FrameDecoding.subscriptionID(&container, type: type)
                return .closed(subscriptionID: subscriptionID, message: try FrameDecoding.optionalString(&container, type: type))
            case "NOTICE":
                return .notice(try FrameDecoding.string(&container, type: type))
            case "AUTH":
                return .auth(challenge: try FrameDecoding.string(&container, type: type, expected: "a challenge string"))
            default:
                throw FrameError.unknownType(type)
            }
        }
    }

    /// Compact JSON frame (used by the loopback relay and tests).
    public var jsonString: String {
        var out: [UInt8] = []
        switch self {
        case .event(let subscriptionID, let event):
            CanonicalJSON.appendRaw("[\"EVENT\",", to: &out)
            CanonicalJSON.appendString(subscriptionID, to: &out)
            out.append(UInt8(ascii: ","))
            event.appendJSON(to: &out)
        case .ok(let eventID, let accepted, let message):
            CanonicalJSON.appendRaw("[\"OK\",", to: &out)
            CanonicalJSON.appendString(eventID, to: &out)
            accepted ? CanonicalJSON.appendRaw(",true,", to: &out) : CanonicalJSON.appendRaw(",false,", to: &out)
            CanonicalJSON.appendString(message, to: &out)
        case .eose(let subscriptionID):
            CanonicalJSON.appendRaw("[\"EOSE\",", to: &out)
            CanonicalJSON.appendString(subscriptionID, to: &out)
        case .closed(let subscriptionID, let message):
            CanonicalJSON.appendRaw("[\"CLOSED\",", to: &out)
            CanonicalJSON.appendString(subscriptionID, to: &out)
            out.append(UInt8(ascii: ","))
            CanonicalJSON.appendString(message, to: &out)
        case .notice(let message):
            CanonicalJSON.appendRaw("[\"NOTICE\",", to: &out)
            CanonicalJSON.appendString(message, to: &out)
        case .auth(let challenge):
            CanonicalJSON.appendRaw("[\"AUTH\",", to: &out)
            CanonicalJSON.appendString(challenge, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}
