import Foundation
import Gate
import Logging
import NostrCore

extension BotAssembly {
    /// The bot's inbox pipeline: its operators' policy, limits and keys. `store` nil: nothing is persisted (the seen
    /// record is kept in memory), as `replay --dry-run` needs.
    public static func pipeline(
        configuration: BotConfiguration, keys: ConversationKeyCache, store: InboxStore?, now: Int64, logger: Logger
    ) throws -> InboxPipeline {
        try InboxPipeline(
            decoder: DirectMessageDecoder(keys: keys), store: store,
            senders: .operators(configuration.operators, replyToStrangers: configuration.replyToStrangers),
            limits: configuration.limits, now: now, logger: logger)
    }

    /// The bot's Gate on `ledger`, talking to the configured Gitea as the configured login.
    public static func gate(
        configuration: BotConfiguration, ledger: any Ledger, giteaToken: String, giteaTimeout: TimeInterval = 15, logger: Logger
    ) -> GateExecutor {
        GateExecutor(
            ledger: ledger, forge: GiteaClient(baseURL: configuration.giteaURL, token: giteaToken, timeout: .seconds(giteaTimeout), logger: logger),
            botLogin: configuration.giteaLogin, logger: logger)
    }
}
