import Encoding
import Foundation

extension LedgerEntry {
    /// The entry as one JSON object, for `operator-gate ledger list|show`:
    /// `{"id","key","origin_event_id","action","repo","state","claimed_at","completed_at","command":{…},"result":{…}|null,"error"}`.
    /// `command` and `result` are embedded as the JSON objects they hold.
    public var json: String {
        var out: [UInt8] = []
        func key(_ name: String) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            CanonicalJSON.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func string(_ value: String?) {
            if let value { CanonicalJSON.appendString(value, to: &out) } else { out.append(contentsOf: Array("null".utf8)) }
        }
        func integer(_ value: Int64?) {
            if let value { CanonicalJSON.appendInteger(value, to: &out) } else { out.append(contentsOf: Array("null".utf8)) }
        }
        func embedded(_ value: String?) {
            // Stored by the Gate as JSON objects; anything else is shown as a string rather than trusted.
            if let value, let data = value.data(using: .utf8), (try? JSONSerialization.jsonObject(with: data)) is [String: Any] {
                out.append(contentsOf: Array(value.utf8))
            } else {
                string(value)
            }
        }
        out.append(UInt8(ascii: "{"))
        key("id")
        integer(id)
        key("key")
        string(self.key.hex)
        key("origin_event_id")
        string(originEventID)
        key("action")
        string(action.rawValue)
        key("repo")
        string(repository)
        key("state")
        string(state.rawValue)
        key("claimed_at")
        integer(claimedAt)
        key("completed_at")
        integer(completedAt)
        key("command")
        embedded(command)
        key("result")
        embedded(result)
        key("error")
        string(error)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
