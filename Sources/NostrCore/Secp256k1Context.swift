import CSecp256k1

/// The process-wide libsecp256k1 context.
///
/// libsecp256k1 contexts are safe to share between threads for every operation except
/// `secp256k1_context_randomize`, which is only called once, inside `init`, before the context is published.
/// That is why this wrapper can be `Sendable` although it holds a raw pointer.
public final class Secp256k1Context: @unchecked Sendable {
    /// The shared, randomized context used by every NostrCore operation.
    public static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let context = og_secp256k1_context_create() else {
            fatalError("libsecp256k1 could not allocate a context")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        SecureRandom.fill(&seed)
        // Blinding against side channels; failure leaves the context usable but unblinded.
        _ = secp256k1_context_randomize(context, seed)
        pointer = context
    }

    deinit { secp256k1_context_destroy(pointer) }
}
