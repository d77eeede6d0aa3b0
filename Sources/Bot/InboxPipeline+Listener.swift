import Logging
import NostrCore

extension InboxPipeline {
    /// A pipeline that delivers every sender's DM to `secretKey` (``InboxPolicy/Senders/anyone``): what
    /// `dm listen` runs. Messages older than `lookback` seconds (or than the store's cursors allow) are dropped.
    /// - Parameter store: the seen record and cursors, or `nil` to keep seen ids in memory only.
    public static func listener(secretKey: SecretKey, store: InboxStore?, lookback: Int64, now: Int64, logger: Logger) throws -> InboxPipeline {
        var limits = BotConfiguration.Limits()
        limits.maxDMAge = lookback
        return try InboxPipeline(
            decoder: DirectMessageDecoder(keys: ConversationKeyCache(secretKey: secretKey)), store: store,
            senders: .anyone, limits: limits, now: now, logger: logger)
    }

    /// Records a delivered message as processed (``InboxStore/markProcessed(_:now:reply:)``); without a store,
    /// it is already remembered in memory.
    public func acknowledge(_ message: DirectMessage, now: Int64) throws {
        try store?.markProcessed(message, now: now)
    }
}
