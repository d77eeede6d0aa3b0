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
    /// Operators with a `gitea_user` act as that login: with their personal token when `token_file` is set, else
    /// with `Sudo:` on the bot's token (which must be a site administrator's).
    public static func gate(
        configuration: BotConfiguration, ledger: any Ledger, giteaToken: String, giteaTimeout: TimeInterval = 15, logger: Logger
    ) throws -> GateExecutor {
        var gateConfiguration = GateExecutor.Configuration()
        gateConfiguration.confirmationTTL = configuration.confirmationTTL
        return GateExecutor(
            ledger: ledger, forge: GiteaClient(baseURL: configuration.giteaURL, token: giteaToken, timeout: .seconds(giteaTimeout), logger: logger),
            botLogin: configuration.giteaLogin,
            actors: try actingForges(configuration, giteaToken: giteaToken, timeout: giteaTimeout, logger: logger),
            configuration: gateConfiguration, logger: logger)
    }

    /// The forge of every operator's acting login, by login.
    public static func actingForges(_ configuration: BotConfiguration, giteaToken: String, timeout: TimeInterval, logger: Logger) throws
        -> [String: any Forge]
    {
        var forges: [String: any Forge] = [:]
        for (index, op) in configuration.operators.enumerated() {
            guard let login = op.giteaUser else { continue }
            let personal = try op.tokenFile.map { path throws(BotConfigurationError) in
                try SecretFile.read(path, field: "operators[\(index)].token_file")
            }
            forges[login.lowercased()] = GiteaClient(
                baseURL: configuration.giteaURL, token: personal ?? giteaToken, sudo: personal == nil ? login : nil, timeout: .seconds(timeout),
                logger: logger)
        }
        return forges
    }
}
