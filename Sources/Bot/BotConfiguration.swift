import Foundation
import Gate
import NostrCore

/// `operator-gate.json`. Relative paths are relative to the file's folder.
///
/// ```json
/// {"key_file": "bot.nsec", "relays_file": "relays.json", "data_dir": "data",
///  "gitea": {"url": "https://forge.example", "token_file": "gitea.token", "login": "gatebot"},
///  "operators": [{"npub": "npub1…", "name": "alice", "repos": ["owner/*"], "actions": ["create_issue", "show"],
///                 "default_repo": "owner/name", "aliases": {"tc": "owner/name"}}],
///  "limits": {"max_dm_bytes": 16384, "commands_per_minute": 30, "max_dm_age_s": 900, "clock_skew_s": 300,
///             "parallel_commands": 16},
///  "reply_to_strangers": false}
/// ```
public struct BotConfiguration: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxDMBytes = 16_384
        public var commandsPerMinute = 30
        public var maxDMAge: Int64 = 900
        public var clockSkew: Int64 = 300
        /// Commands on different targets that run at once at most (``ParallelCommands``).
        public var parallelCommands = 16
        /// The documented defaults.
        public init() {}
    }

    public let keyFile: String
    public let relaysFile: String
    public let dataDirectory: String
    public let giteaURL: URL
    public let giteaTokenFile: String?
    public let giteaLogin: String
    public let operators: [Operator]
    public let limits: Limits
    public let replyToStrangers: Bool
    /// Where the ledger lives (`ledger`, `ledger_password_file`, `instance`, `ledger_lease_s`).
    public let ledger: LedgerSettings
    /// The profile and relay lists the bot publishes, and where answers go (``BotReachability``).
    public let reachability: BotReachability
    /// How long a command on an operator's `confirm` list waits for `yes` (`confirm_ttl_s`, seconds).
    public let confirmationTTL: Int64
    /// The webhook receiver (`webhook`), if configured.
    public let webhook: WebhookSettings?

    /// The operator with this key, if any.
    public func `operator`(_ key: PublicKey) -> Operator? { operators.first { $0.publicKey == key } }

    /// The bot's own fields; `data_dir`, `gitea` and the ledger's are GateSettings' (``GateSettings/parse(_:directory:)``).
    fileprivate struct File: Decodable {
        struct OperatorEntry: Decodable {
            let npub: String?
            let name: String?
            let repos: [String]?
            let actions: [String]?
            let default_repo: String?
            let aliases: [String: String]?
            let gitea_user: String?
            let token_file: String?
            let confirm: [String]?
        }
        struct LimitsEntry: Decodable {
            let max_dm_bytes: Int?
            let commands_per_minute: Int?
            let max_dm_age_s: Int64?
            let clock_skew_s: Int64?
            let parallel_commands: Int?
        }
        let key_file: String?
        let relays_file: String?
        let operators: [OperatorEntry]?
        let limits: LimitsEntry?
        let reply_to_strangers: Bool?
        let confirm_ttl_s: Int64?
    }

    /// Loads and validates `path`.
    public static func load(path: String) throws(BotConfigurationError) -> BotConfiguration {
        let (data, directory) = try GateSettings.read(path)
        return try parse(data, directory: directory)
    }

    /// Parses configuration JSON; relative paths resolve against `directory`.
    public static func parse(_ data: Data, directory: String) throws(BotConfigurationError) -> BotConfiguration {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw BotConfigurationError(field: Self.path(of: error), problem: "wrong type or invalid JSON")
        }
        func resolve(_ path: String) -> String { GateSettings.resolve(path, in: directory) }
        let gate = try GateSettings.parse(data, directory: directory)
        guard let entries = file.operators, !entries.isEmpty else {
            throw BotConfigurationError(field: "operators", problem: "no operator: nobody could use the bot")
        }
        var operators: [Operator] = []
        for (index, entry) in entries.enumerated() {
            let op = try Self.parseOperator(entry, index: index, directory: directory)
            guard !operators.contains(where: { $0.publicKey == op.publicKey }) else {
                throw BotConfigurationError(field: "operators[\(index)].npub", problem: "repeats an earlier operator")
            }
            operators.append(op)
        }
        let limits = try Limits.parse(file.limits)
        let ttl = file.confirm_ttl_s ?? 600
        guard (60...86_400).contains(ttl) else {
            throw BotConfigurationError(field: "confirm_ttl_s", problem: "\(ttl) is out of range: 60 to 86400 seconds")
        }
        return BotConfiguration(
            keyFile: resolve(file.key_file ?? "bot.nsec"), relaysFile: resolve(file.relays_file ?? "relays.json"),
            dataDirectory: gate.dataDirectory, giteaURL: gate.giteaURL, giteaTokenFile: gate.giteaTokenFile,
            giteaLogin: gate.giteaLogin, operators: operators, limits: limits, replyToStrangers: file.reply_to_strangers ?? false,
            ledger: gate.ledger, reachability: try BotReachability.parse(data), confirmationTTL: ttl,
            webhook: try WebhookSettings.parse(data, directory: directory))
    }

    /// One entry of `operators`.
    fileprivate static func parseOperator(_ entry: File.OperatorEntry, index: Int, directory: String) throws(BotConfigurationError) -> Operator {
        let field = "operators[\(index)]"
        guard let npub = entry.npub else { throw BotConfigurationError(field: field + ".npub", problem: "missing") }
        let key: PublicKey
        do { key = try PublicKey(parsing: npub) } catch { throw BotConfigurationError(field: field + ".npub", problem: error.description) }
        let repos = entry.repos ?? []
        guard !repos.isEmpty else { throw BotConfigurationError(field: field + ".repos", problem: "empty: list owner/name or owner/* patterns") }
        for (repoIndex, pattern) in repos.enumerated() {
            let check = pattern.hasSuffix("/*") ? String(pattern.dropLast(2)) + "/x" : pattern
            guard (try? Repository(check)) != nil else {
                throw BotConfigurationError(field: "\(field).repos[\(repoIndex)]", problem: "\"\(pattern)\" is not owner/name or owner/*")
            }
        }
        var actions = Set<GateAction>()
        // Least privilege: an operator without `actions` may only read (show, status; help and whoami always).
        for (actionIndex, name) in (entry.actions ?? Operator.readOnlyActions.map(\.rawValue)).enumerated() {
            guard let action = GateAction(rawValue: name) else {
                throw BotConfigurationError(
                    field: "\(field).actions[\(actionIndex)]",
                    problem: "unknown action \"\(name)\"; known: \(GateAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            actions.insert(action)
        }
        var defaultRepository: Repository?
        if let text = entry.default_repo {
            do { defaultRepository = try Repository(text) } catch {
                throw BotConfigurationError(field: field + ".default_repo", problem: error.description)
            }
        }
        var aliases: [String: Repository] = [:]
        for (alias, target) in entry.aliases ?? [:] {
            guard !alias.contains("/"), !alias.contains("#"), !alias.contains("!"), !alias.isEmpty else {
                throw BotConfigurationError(field: "\(field).aliases.\(alias)", problem: "an alias must be a plain word")
            }
            do { aliases[alias] = try Repository(target) } catch {
                throw BotConfigurationError(field: "\(field).aliases.\(alias)", problem: error.description)
            }
        }
        let (giteaUser, tokenFile, confirm) = try parseIdentity(entry, field: field, directory: directory)
        return Operator(
            publicKey: key, name: entry.name ?? "operator \(index)", repositories: repos, actions: actions,
            defaultRepository: defaultRepository, aliases: aliases, giteaUser: giteaUser, tokenFile: tokenFile, confirm: confirm)
    }

    /// An operator's Gitea identity (`gitea_user`, `token_file`) and the actions they confirm (`confirm`).
    fileprivate static func parseIdentity(_ entry: File.OperatorEntry, field: String, directory: String) throws(BotConfigurationError)
        -> (giteaUser: String?, tokenFile: String?, confirm: Set<GateAction>)
    {
        if let user = entry.gitea_user {
            guard !user.isEmpty, user.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw BotConfigurationError(field: field + ".gitea_user", problem: "\"\(user)\" is not a Gitea login")
            }
        }
        if entry.token_file != nil && entry.gitea_user == nil {
            throw BotConfigurationError(field: field + ".token_file", problem: "needs gitea_user: the login the token belongs to (probes check it)")
        }
        var confirm = Set<GateAction>()
        for (index, name) in (entry.confirm ?? []).enumerated() {
            guard let action = GateAction(rawValue: name), action.writes else {
                throw BotConfigurationError(
                    field: "\(field).confirm[\(index)]",
                    problem:
                        "\"\(name)\" is not a write action; known: \(GateAction.allCases.filter(\.writes).map(\.rawValue).joined(separator: ", "))")
            }
            confirm.insert(action)
        }
        return (entry.gitea_user, entry.token_file.map { GateSettings.resolve($0, in: directory) }, confirm)
    }

    /// The bot's secret key: `OPERATOR_GATE_NSEC` if set, else the key file, which must not be readable by group or others.
    public func secretKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BotConfigurationError) -> SecretKey {
        if let fromEnvironment = environment["OPERATOR_GATE_NSEC"], !fromEnvironment.isEmpty {
            do { return try SecretKey(parsing: fromEnvironment) } catch {
                throw BotConfigurationError(field: "OPERATOR_GATE_NSEC", problem: error.description)
            }
        }
        guard FileManager.default.fileExists(atPath: keyFile) else {
            throw BotConfigurationError(field: "key_file", problem: "cannot read \(keyFile) (create it with: operator-gate key generate)")
        }
        let text = try SecretFile.read(keyFile, field: "key_file")
        do { return try SecretKey(parsing: text) } catch { throw BotConfigurationError(field: "key_file", problem: error.description) }
    }

    /// Refuses an operator whose key is the bot's own: the bot would take its own answers for commands.
    public func check(botKey: PublicKey) throws(BotConfigurationError) {
        if let index = operators.firstIndex(where: { $0.publicKey == botKey }) {
            throw BotConfigurationError(
                field: "operators[\(index)].npub",
                problem: "is the bot's own key (\(botKey.npub)); an operator needs a key of their own")
        }
    }

    /// The Gate's part of the configuration.
    public var gate: GateSettings {
        GateSettings(dataDirectory: dataDirectory, giteaURL: giteaURL, giteaTokenFile: giteaTokenFile, giteaLogin: giteaLogin, ledger: ledger)
    }

    /// The Gitea token: `GITEA_TOKEN` if set, else `gitea.token_file`.
    public func giteaToken(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BotConfigurationError) -> String {
        try gate.giteaToken(environment: environment)
    }

    static func path(of error: any Error) -> String {
        let codingPath: [any CodingKey]
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            codingPath = context.codingPath
        case DecodingError.keyNotFound(let key, let context):
            codingPath = context.codingPath + [key]
        default:
            return "operator-gate.json"
        }
        guard !codingPath.isEmpty else { return "operator-gate.json" }
        return codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "."))
    }
}

extension BotConfiguration.Limits {
    /// The `limits` object: each field optional (the default stays), positive, and bounded above.
    fileprivate static func parse(_ entry: BotConfiguration.File.LimitsEntry?) throws(BotConfigurationError) -> Self {
        var limits = Self()
        guard let entry else { return limits }
        // Bounded above too: the bot does arithmetic with these (time windows, sizes), which must never overflow.
        func bounded<T: BinaryInteger>(_ value: T?, _ name: String, max: T, unit: String) throws(BotConfigurationError) -> T? {
            guard let value else { return nil }
            guard value > 0 else { throw BotConfigurationError(field: "limits.\(name)", problem: "must be positive") }
            guard value <= max else { throw BotConfigurationError(field: "limits.\(name)", problem: "must be at most \(max) \(unit)") }
            return value
        }
        limits.maxDMBytes =
            try bounded(entry.max_dm_bytes, "max_dm_bytes", max: 1 << 20, unit: "bytes (a relay frame's limit)") ?? limits.maxDMBytes
        limits.commandsPerMinute =
            try bounded(entry.commands_per_minute, "commands_per_minute", max: 1_000_000_000, unit: "a minute") ?? limits.commandsPerMinute
        limits.maxDMAge = try bounded(entry.max_dm_age_s, "max_dm_age_s", max: 30 * 86_400, unit: "seconds (30 days)") ?? limits.maxDMAge
        limits.clockSkew = try bounded(entry.clock_skew_s, "clock_skew_s", max: 86_400, unit: "seconds (a day)") ?? limits.clockSkew
        limits.parallelCommands =
            try bounded(entry.parallel_commands, "parallel_commands", max: 256, unit: "commands") ?? limits.parallelCommands
        return limits
    }
}
