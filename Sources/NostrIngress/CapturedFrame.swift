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

    public init(relay: String, receivedAt: Double, frame: String) {
        self.relay = relay
        self.receivedAt = receivedAt
        self.frame = frame
    }

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
