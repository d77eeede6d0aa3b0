import Encoding
import NostrCore

/// A JSON value with ordered keys, written with NostrCore's canonical string escaping (no `\/`, raw UTF-8).
public indirect enum JSONOutput {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case null
    /// Already-serialized JSON (an event, a filter), embedded as is.
    case raw(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    public var text: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func write(to out: inout [UInt8]) {
        switch self {
        case .string(let value): CanonicalJSON.appendString(value, to: &out)
        case .int(let value): CanonicalJSON.appendInteger(value, to: &out)
        case .double(let value):
            out.append(contentsOf: Array((value.isFinite ? String(format3(value)) : "null").utf8))
        case .bool(let value): out.append(contentsOf: Array((value ? "true" : "false").utf8))
        case .null: out.append(contentsOf: Array("null".utf8))
        case .raw(let json): out.append(contentsOf: Array(json.utf8))
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Three decimals, enough for microsecond figures.
    private func format3(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return String(scaled)
    }
}
