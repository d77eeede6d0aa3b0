import Encoding
import Foundation

extension Ack {
    /// Compact JSON, keys sorted, absent optionals left out: what `JSONEncoder` with `.sortedKeys` made of the
    /// synthesized `Codable` (the ledger's stored results are read by ``parse(_:)`` either way). Written directly,
    /// since the encoder was about 2% of the bot's CPU under load (every executed command stores its answer).
    public var json: String {
        var out: [UInt8] = []
        out.reserveCapacity(256 + message.utf8.count + (lines?.reduce(0) { $0 + $1.utf8.count + 3 } ?? 0))
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            CanonicalJSON.appendRaw(name, to: &out)
            CanonicalJSON.appendRaw("\":", to: &out)
        }
        key("action")
        CanonicalJSON.appendString(action.rawValue, to: &out)
        if let executedAt {
            key("executedAt")
            CanonicalJSON.appendInteger(executedAt, to: &out)
        }
        key("key")
        CanonicalJSON.appendString(self.key, to: &out)
        if let lines {
            key("lines")
            CanonicalJSON.appendStrings(lines, to: &out)
        }
        key("message")
        CanonicalJSON.appendString(message, to: &out)
        if let number {
            key("number")
            CanonicalJSON.appendInteger(number, to: &out)
        }
        key("priorExecution")
        CanonicalJSON.appendRaw(priorExecution ? "true" : "false", to: &out)
        key("repository")
        CanonicalJSON.appendString(repository, to: &out)
        if let state {
            key("state")
            CanonicalJSON.appendString(state.rawValue, to: &out)
        }
        key("success")
        CanonicalJSON.appendRaw(success ? "true" : "false", to: &out)
        if let title {
            key("title")
            CanonicalJSON.appendString(title, to: &out)
        }
        if let url {
            key("url")
            CanonicalJSON.appendString(url, to: &out)
        }
        key("warnings")
        CanonicalJSON.appendStrings(warnings, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads an Ack stored by ``json`` (or by the `JSONEncoder` that wrote it before).
    public static func parse(_ json: String) -> Ack? {
        try? JSONDecoder().decode(Ack.self, from: Data(json.utf8))
    }
}
