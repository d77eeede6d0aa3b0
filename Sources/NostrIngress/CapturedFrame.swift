import Encoding
import Foundation
import NostrCore

/// One inbound frame as captured: which relay, when, and the raw text. One JSON object per line:
/// `{"relay":"ws://127.0.0.1:7777","received_at":1796000000.123,"frame":"[\"EVENT\",…]"}`.
public struct CapturedFrame: Sendable, Equatable, Codable {
    public let relay: String
    /// Seconds since the Unix epoch.
    public let receivedAt: Double
    public let frame: String

    enum CodingKeys: String, CodingKey {
        case relay, frame
        case receivedAt = "received_at"
    }

    /// Decodes one line; a `received_at` that is not a time between 1970 and 5138 (a capture edited by hand or
    /// damaged) is refused here, so no later conversion to whole seconds can trap.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        relay = try container.decode(String.self, forKey: .relay)
        frame = try container.decode(String.self, forKey: .frame)
        receivedAt = try container.decode(Double.self, forKey: .receivedAt)
        guard receivedAt.isFinite, (0...Self.latestTime).contains(receivedAt) else {
            throw DecodingError.dataCorruptedError(
                forKey: .receivedAt, in: container,
                debugDescription: "received_at must be seconds since 1970, at most \(Self.latestTime)")
        }
    }

    /// The largest `received_at` taken: year 5138, far inside `Int64` seconds.
    public static let latestTime: Double = 99_999_999_999

    public init(relay: String, receivedAt: Double, frame: String) { (self.relay, self.receivedAt, self.frame) = (relay, receivedAt, frame) }

    /// The JSONL line (without newline), escaped canonically so the frame's bytes survive exactly.
    public var jsonLine: String {
        var out: [UInt8] = []
        out.append(contentsOf: Array("{\"relay\":".utf8))
        CanonicalJSON.appendString(relay, to: &out)
        out.append(contentsOf: Array(",\"received_at\":\(String(format: "%.3f", receivedAt)),\"frame\":".utf8))
        CanonicalJSON.appendString(frame, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
