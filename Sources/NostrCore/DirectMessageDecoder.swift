/// Why an inbound event did not yield a direct message. Each is a drop reason for counting and logging.
public enum DirectMessageDropReason: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongKind(Int)
    case notAddressedToUs
    case invalidEvent(EventError)
    case undecryptable(String)
    case unwrapFailed(NIP59Error)
    case notADirectMessage(kind: Int)

    /// A short stable label, for metrics.
    public var label: String {
        switch self {
        case .wrongKind: return "wrong_kind"
        case .notAddressedToUs: return "not_addressed_to_us"
        case .invalidEvent: return "invalid_event"
        case .undecryptable: return "undecryptable"
        case .unwrapFailed(.senderMismatch): return "forged_wrap"
        case .unwrapFailed(.sealAuthorRefused): return "stranger"
        case .unwrapFailed: return "unwrap_failed"
        case .notADirectMessage: return "not_a_direct_message"
        }
    }

    /// Whether the carrier event's id and signature verified before this drop, so its id may be recorded as seen.
    ///
    /// An event that failed verification proves nothing about the id it claims: recording that id would let a
    /// forged copy, delivered first, make the real event a duplicate that is never executed or answered.
    public var carrierVerified: Bool {
        switch self {
        case .wrongKind, .notAddressedToUs, .invalidEvent: return false
        case .undecryptable, .unwrapFailed, .notADirectMessage: return true
        }
    }

    public var description: String {
        switch self {
        case .wrongKind(let kind): return "kind \(kind) is not a direct message"
        case .notAddressedToUs: return "not p-tagged to us"
        case .invalidEvent(let error): return error.description
        case .undecryptable(let detail): return "cannot decrypt: \(detail)"
        case .unwrapFailed(let error): return error.description
        case .notADirectMessage(let kind): return "gift wrap holds a kind-\(kind) rumor, not a kind-14 message"
        }
    }
}

/// Turns inbound kind-4 events and gift wraps into verified, decrypted ``DirectMessage``s for one recipient.
/// Conversation keys are cached per peer.
public struct DirectMessageDecoder: Sendable {
    public let keys: ConversationKeyCache
    public var recipient: PublicKey { keys.secretKey.publicKey }
    private let recipientHex: String

    public init(keys: ConversationKeyCache) {
        self.keys = keys
        self.recipientHex = keys.secretKey.publicKey.hex
    }

    /// Cheap checks only (kind and `p` tag): whether the event could be for us at all.
    public func isAddressedToUs(_ event: Event) throws(DirectMessageDropReason) {
        guard event.kind == 4 || event.kind == 1059 else { throw .wrongKind(event.kind) }
        guard event.tags.contains(where: { $0.count >= 2 && $0[0] == "p" && $0[1] == recipientHex }) else { throw .notAddressedToUs }
    }

    /// Full decoding: verify, then decrypt or unwrap.
    /// - Parameter acceptingSealAuthor: for gift wraps, asked with the seal's claimed author (hex) before the seal
    ///   is verified or opened (``NIP59/unwrap(_:keys:verifyingWrap:acceptingSeal:)``).
    public func decode(_ event: Event, acceptingSealAuthor: ((String) -> Bool)? = nil) throws(DirectMessageDropReason) -> DirectMessage {
        try isAddressedToUs(event)
        let sender: PublicKey
        do { sender = try event.verifiedAuthor(keys: keys) } catch { throw .invalidEvent(error) }
        if event.kind == 4 {
            let text: String
            do { text = try NIP04.decrypt(event.content, sharedKey: keys.nip04Key(for: sender)) } catch {
                throw .undecryptable(error.description)
            }
            return DirectMessage(
                id: event.id, carrierID: event.id, sender: sender, scheme: .nip04, createdAt: event.createdAt,
                text: text, tags: event.tags)
        }
        let opened: UnwrappedGift
        do { opened = try NIP59.unwrap(event, keys: keys, verifyingWrap: false, acceptingSeal: acceptingSealAuthor) } catch {
            throw .unwrapFailed(error)
        }
        guard opened.rumor.kind == 14 else { throw .notADirectMessage(kind: opened.rumor.kind) }
        return DirectMessage(
            id: opened.rumor.id, carrierID: event.id, sender: opened.sender, scheme: .nip17,
            createdAt: opened.rumor.createdAt, text: opened.rumor.content, tags: opened.rumor.tags)
    }
}
