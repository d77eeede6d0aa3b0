import Encoding
import Foundation

extension Ack {
    /// Compact JSON, keys sorted, absent optionals left out: what `JSONEncoder` with `.sortedKeys` made of the
    /// synthesized `Codable` (the ledger's stored results are read by ``parse(_:)`` either way). Written directly,
    /// since the encoder was about 2% of the bot's CPU under load (every executed command stores its answer).
    public var json: String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(256 + message.utf8.count + (lines?.reduce(0) { $0 + $1.utf8.count + 3 } ?? 0))
        var members = JSONMembers()
        // In key order, as `.sortedKeys` wrote them.
        members.string("action", action.rawValue, to: &out)
        members.integer("executedAt", executedAt, to: &out)
        members.string("key", key, to: &out)
        members.strings("lines", lines, to: &out)
        members.string("message", message, to: &out)
        members.integer("number", number.map(Int64.init), to: &out)
        members.boolean("priorExecution", priorExecution, to: &out)
        members.string("repository", repository, to: &out)
        members.string("state", state?.rawValue, to: &out)
        members.boolean("success", success, to: &out)
        members.string("title", title, to: &out)
        members.string("url", url, to: &out)
        members.strings("warnings", warnings, to: &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads an Ack stored by ``json`` (or by the `JSONEncoder` that wrote it before).
    public static func parse(_ json: String) -> Ack? {
        try? JSONDecoder().decode(Ack.self, from: Data(json.utf8))
    }
}
