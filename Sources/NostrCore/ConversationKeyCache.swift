import NIOConcurrencyHelpers

/// Caches NIP-44 conversation keys (and NIP-04 shared keys) for one local secret key, per peer,
/// so a peer we hear from repeatedly costs no ECDH after the first message.
///
/// Bounded: when `capacity` peers are cached, the least recently inserted is evicted.
public final class ConversationKeyCache: Sendable {
    /// Our key; every cached entry is between it and a peer.
    public let secretKey: SecretKey
    /// The most peers kept.
    public let capacity: Int

    private struct State {
        var keys: [PublicKey: (nip44: [UInt8], sharedX: [UInt8])] = [:]
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

    /// (hits, misses) since creation.
    public var statistics: (hits: Int, misses: Int) { state.withLockedValue { ($0.hits, $0.misses) } }

    private func entry(for peer: PublicKey) -> (nip44: [UInt8], sharedX: [UInt8]) {
        if let cached = state.withLockedValue({ state -> (nip44: [UInt8], sharedX: [UInt8])? in
            let found = state.keys[peer]
            if found != nil { state.hits += 1 }
            return found
        }) {
            return cached
        }
        // ECDH outside the lock: two racing misses compute the same value, which is harmless.
        let sharedX = ECDH.sharedX(secretKey: secretKey, publicKey: peer)
        let value = (nip44: NIP44.conversationKey(sharedX: sharedX), sharedX: sharedX)
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
