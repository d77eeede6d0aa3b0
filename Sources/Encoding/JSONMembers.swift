/// Writes a JSON object's members, in the order given, into a byte buffer: the comma between members, keys and
/// values escaped as ``CanonicalJSON`` does, absent optionals left out. The caller writes the braces.
///
///     var out: [UInt8] = [UInt8(ascii: "{")]
///     var members = JSONMembers()
///     members.string("a", "x", to: &out)
///     members.integer("b", nil, to: &out)
///     members.boolean("c", true, to: &out)
///     out.append(UInt8(ascii: "}"))        // {"a":"x","c":true}
public struct JSONMembers: Sendable {
    private var first = true

    public init() {}

    /// Starts a member: the comma before every member but the first, then `"name":`.
    public mutating func key(_ name: String, to out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        CanonicalJSON.appendString(name, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    public mutating func string(_ name: String, _ value: String?, to out: inout [UInt8]) {
        guard let value else { return }
        key(name, to: &out)
        CanonicalJSON.appendString(value, to: &out)
    }

    public mutating func strings(_ name: String, _ values: [String]?, to out: inout [UInt8]) {
        guard let values else { return }
        key(name, to: &out)
        CanonicalJSON.appendStrings(values, to: &out)
    }

    public mutating func integer(_ name: String, _ value: Int64?, to out: inout [UInt8]) {
        guard let value else { return }
        key(name, to: &out)
        CanonicalJSON.appendInteger(value, to: &out)
    }

    public mutating func boolean(_ name: String, _ value: Bool, to out: inout [UInt8]) {
        key(name, to: &out)
        CanonicalJSON.appendRaw(value ? "true" : "false", to: &out)
    }
}
