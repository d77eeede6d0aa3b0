import Encoding
import Foundation

/// A message from client to relay (NIP-01, NIP-42).
public enum ClientMessage: Hashable, Sendable {
    /// `["EVENT", <event>]`: publish.
    case event(Event)
    /// `["REQ", <subscription id>, <filter>…]`: subscribe.
    case req(subscriptionID: String, filters: [Filter])
    /// `["CLOSE", <subscription id>]`.
    case close(subscriptionID: String)
    /// `["AUTH", <kind-22242 event>]` (NIP-42).
    case auth(Event)

    /// Compact JSON frame.
    public var jsonString: String {
        var out: [UInt8] = []
        switch self {
        case .event(let event):
            CanonicalJSON.appendRaw("[\"EVENT\",", to: &out)
            event.appendJSON(to: &out)
        case .req(let subscriptionID, let filters):
            CanonicalJSON.appendRaw("[\"REQ\",", to: &out)
            CanonicalJSON.appendString(subscriptionID, to: &out)
            for filter in filters {
                out.append(UInt8(ascii: ","))
                filter.appendJSON(to: &out)
            }
        case .close(let subscriptionID):
            CanonicalJSON.appendRaw("[\"CLOSE\",", to: &out)
            CanonicalJSON.appendString(subscriptionID, to: &out)
        case .auth(let event):
            CanonicalJSON.appendRaw("[\"AUTH\",", to: &out)
            event.appendJSON(to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a client frame (used by relays and test peers). Never verifies events.
    public static func parse(_ frame: String) throws(FrameError) -> ClientMessage {
        try FrameDecoding.decode(frame) { container, type throws in
            switch type {
            case "EVENT": return .event(try FrameDecoding.event(&container, type: type))
            case "AUTH": return .auth(try FrameDecoding.event(&container, type: type))
            case "REQ":
                let subscriptionID = try FrameDecoding.subscriptionID(&container, type: type)
                var filters: [Filter] = []
                while !container.isAtEnd {
                    do { filters.append(try container.decode(Filter.self)) } catch {
                        throw FrameError.invalidFilter(JSONErrorText.describe(error))
                    }
                }
                return .req(subscriptionID: subscriptionID, filters: filters)
            case "CLOSE": return .close(subscriptionID: try FrameDecoding.subscriptionID(&container, type: type))
            default: throw FrameError.unknownType(type)
            }
        }
    }
}
