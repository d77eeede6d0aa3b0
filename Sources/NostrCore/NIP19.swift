/// A decoded NIP-19 entity.
public enum NIP19Entity: Equatable, Sendable {
    case npub(PublicKey)
    case nsec(SecretKey)
    /// An event id (32 bytes).
    case note([UInt8])
    /// A profile: the public key and relay hints.
    case nprofile(PublicKey, relays: [String])
    /// An event pointer: id, relay hints, optional author and kind.
    case nevent(id: [UInt8], relays: [String], author: PublicKey?, kind: UInt32?)
}

/// NIP-19 bech32 encoding of keys and ids (`npub`, `nsec`, `note`, `nprofile`, `nevent`).
public enum NIP19 {
    /// Encodes an entity. TLV forms put the special entry first, then relays, author and kind.
    public static func encode(_ entity: NIP19Entity) -> String {
        switch entity {
        case .npub(let key): return Bech32.encode(hrp: "npub", data: key.bytes)
        case .nsec(let key): return Bech32.encode(hrp: "nsec", data: key.bytes)
        case .note(let id): return Bech32.encode(hrp: "note", data: id)
        case .nprofile(let key, let relays):
            var tlv = tlvEntry(0, key.bytes)
            for relay in relays { tlv += tlvEntry(1, Array(relay.utf8)) }
            return Bech32.encode(hrp: "nprofile", data: tlv)
        case .nevent(let id, let relays, let author, let kind):
            var tlv = tlvEntry(0, id)
            for relay in relays { tlv += tlvEntry(1, Array(relay.utf8)) }
            if let author { tlv += tlvEntry(2, author.bytes) }
            if let kind { tlv += tlvEntry(3, [UInt8(kind >> 24), UInt8(kind >> 16 & 0xff), UInt8(kind >> 8 & 0xff), UInt8(kind & 0xff)]) }
            return Bech32.encode(hrp: "nevent", data: tlv)
        }
    }

    /// Decodes any supported NIP-19 string. Unknown TLV types are ignored, as NIP-19 requires.
    public static func decode(_ text: String) throws(NIP19Error) -> NIP19Entity {
        let (hrp, data) = try Bech32.decode(text)
        switch hrp {
        case "npub":
            return .npub(try publicKey(data, prefix: hrp))
        case "nsec":
            guard data.count == 32 else { throw .wrongPayloadLength(prefix: hrp, expected: 32, actual: data.count) }
            do { return .nsec(try SecretKey(bytes: data)) } catch { throw .invalidKey(error.description) }
        case "note":
            guard data.count == 32 else { throw .wrongPayloadLength(prefix: hrp, expected: 32, actual: data.count) }
            return .note(data)
        case "nprofile":
            let entries = try parseTLV(data)
            guard let special = entries.first(where: { $0.type == 0 }) else { throw .malformedTLV("nprofile has no public key entry") }
            let relays = entries.filter { $0.type == 1 }.map { String(decoding: $0.value, as: UTF8.self) }
            return .nprofile(try publicKey(special.value, prefix: hrp), relays: relays)
        case "nevent":
            let entries = try parseTLV(data)
            guard let special = entries.first(where: { $0.type == 0 }) else { throw .malformedTLV("nevent has no event id entry") }
            guard special.value.count == 32 else { throw .wrongPayloadLength(prefix: hrp, expected: 32, actual: special.value.count) }
            let relays = entries.filter { $0.type == 1 }.map { String(decoding: $0.value, as: UTF8.self) }
            let author = try entries.first(where: { $0.type == 2 }).map { entry throws(NIP19Error) in try publicKey(entry.value, prefix: hrp) }
            var kind: UInt32?
            if let entry = entries.first(where: { $0.type == 3 }) {
                guard entry.value.count == 4 else { throw .malformedTLV("kind entry must be 4 bytes") }
                kind = entry.value.reduce(0) { $0 << 8 | UInt32($1) }
            }
            return .nevent(id: special.value, relays: relays, author: author, kind: kind)
        default:
            throw .unexpectedPrefix(found: hrp, expected: ["npub", "nsec", "note", "nprofile", "nevent"])
        }
    }

    private static func publicKey(_ data: [UInt8], prefix: String) throws(NIP19Error) -> PublicKey {
        guard data.count == 32 else { throw .wrongPayloadLength(prefix: prefix, expected: 32, actual: data.count) }
        do { return try PublicKey(bytes: data) } catch { throw .invalidKey(error.description) }
    }

    private static func tlvEntry(_ type: UInt8, _ value: [UInt8]) -> [UInt8] {
        [type, UInt8(min(value.count, 255))] + value.prefix(255)
    }

    private static func parseTLV(_ data: [UInt8]) throws(NIP19Error) -> [(type: UInt8, value: [UInt8])] {
        var entries: [(type: UInt8, value: [UInt8])] = []
        var index = 0
        while index < data.count {
            guard index + 2 <= data.count else { throw .malformedTLV("entry header cut short at byte \(index)") }
            let type = data[index]
            let length = Int(data[index + 1])
            guard index + 2 + length <= data.count else { throw .malformedTLV("entry of type \(type) claims \(length) bytes past the end") }
            entries.append((type, Array(data[(index + 2)..<(index + 2 + length)])))
            index += 2 + length
        }
        return entries
    }
}
