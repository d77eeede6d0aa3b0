import CSecp256k1
import NIOConcurrencyHelpers

/// Caches NIP-44 conversation keys (and NIP-04 shared keys) for one local secret key, per peer,
/// so a peer we hear from repeatedly costs no ECDH after the first message.
///
/// With the keys it keeps the peer's key parsed, lifted onto the curve: a later signature by the peer is checked
/// (``Event/verifiedAuthor(keys:)``) and a gift wrap to the peer is encrypted (``NIP59/checkedWrap(_:author:recipient:now:keys:)``)
/// without the square root that parsing a key costs (about 5 µs each, an eighth of a signature check).
///
/// Bounded: when `capacity` peers are cached, the least recently inserted is evicted. A peer enters only when a
/// caller asks for its keys, which the inbox does after the peer's signature verified.
public final class ConversationKeyCache: Sendable {
    /// Our key; every cached entry is between it and a peer.
    public let secretKey: SecretKey
    /// The most peers kept.
    public let capacity: Int

    /// What is kept per peer.
    struct Entry: Sendable {
        let nip44: [UInt8]
        let sharedX: [UInt8]
        /// The peer's key as a point (even y), for ECDH.
        let point: secp256k1_pubkey
        /// The peer's key as libsecp256k1's x-only key, for signature checks.
        let xonly: secp256k1_xonly_pubkey
    }

    private struct State {
        var keys: [PublicKey: Entry] = [:]
        var order: [PublicKey] = []
        var orderStart = 0
        var hits = 0
        var misses = 0
    }

    private let state = NIOLockedValueBox(State())

    public init(secretKey: SecretKey, capacity: Int = 4096) {
        precondition(capacity > 0)
        self.secretKey = secretKey
        self.capacity = capacity
    }

    /// The NIP-44 conversation key with `peer`.
    public func nip44Key(for peer: PublicKey) -> [UInt8] { entry(for: peer).nip44 }

    /// The NIP-04 shared key (unhashed ECDH x) with `peer`.
    public func nip04Key(for peer: PublicKey) -> [UInt8] { entry(for: peer).sharedX }

    /// `peer`'s key lifted onto the curve (cached with its conversation keys).
    func point(for peer: PublicKey) -> secp256k1_pubkey { entry(for: peer).point }

    /// The parsed x-only key of a cached peer, by its 32 raw bytes; `nil` for a peer not cached (nothing is added,
    /// and hits and misses are not counted: this only spares a parse).
    func parsedKey(_ bytes: [UInt8]) -> secp256k1_xonly_pubkey? {
        state.withLockedValue { $0.keys[PublicKey(validated: bytes)]?.xonly }
    }

    /// (hits, misses) since creation.
    public var statistics: (hits: Int, misses: Int) { state.withLockedValue { ($0.hits, $0.misses) } }

    private func entry(for peer: PublicKey) -> Entry {
        if let cached = state.withLockedValue({ state -> Entry? in
            let found = state.keys[peer]
            if found != nil { state.hits += 1 }
            return found
        }) {
            return cached
        }
        // ECDH outside the lock: two racing misses compute the same value, which is harmless.
        let point = ECDH.point(of: peer)
        let sharedX = ECDH.sharedX(secretKey: secretKey, point: point)
        var copy = point
        var xonly = secp256k1_xonly_pubkey()
        precondition(secp256k1_xonly_pubkey_from_pubkey(Secp256k1Context.shared.pointer, &xonly, nil, &copy) == 1)
        let value = Entry(nip44: NIP44.conversationKey(sharedX: sharedX), sharedX: sharedX, point: point, xonly: xonly)
        state.withLockedValue { state in
            state.misses += 1
            guard state.keys[peer] == nil else { return }
            if state.keys.count >= capacity {
                let evicted = state.order[state.orderStart]
                state.orderStart += 1
                state.keys[evicted] = nil
                if state.orderStart > capacity {
                    state.order.removeFirst(state.orderStart)
                    state.orderStart = 0
                }
            }
            state.keys[peer] = value
            state.order.append(peer)
        }
        return value
    }
}
