import NostrIngress
import ServiceLifecycle

/// The relay pool as the first service of the bot's `ServiceGroup`: connected before anything else starts, and
/// closed last on graceful shutdown (after the queued replies were published through it).
public struct RelayPoolService: Service {
    public let pool: RelayPool

    public init(pool: RelayPool) { self.pool = pool }

    public func run() async {
        await cancelWhenGracefulShutdown { await pool.run() }
    }
}
