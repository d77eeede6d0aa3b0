import Foundation

/// The part of `operator-gate.json` the Gate needs on its own (`gate exec`, `ledger list|show`):
/// `{"data_dir": "data", "gitea": {"url": "https://forge.example", "token_file": "gitea.token", "login": "gatebot"}}`.
///
/// Relative paths are relative to the configuration file's folder; `GITEA_TOKEN` overrides the token file.
public struct GateSettings: Sendable, Equatable {
    public let dataDirectory: String
    public let giteaURL: URL
    public let giteaTokenFile: String?
    public let giteaLogin: String
    /// `ledger` and the settings around it; SQLite in the data directory by default.
    public let ledger: LedgerSettings

    public init(dataDirectory: String, giteaURL: URL, giteaTokenFile: String?, giteaLogin: String, ledger: LedgerSettings) {
        (self.dataDirectory, self.giteaURL, self.giteaTokenFile, self.giteaLogin, self.ledger) =
            (dataDirectory, giteaURL, giteaTokenFile, giteaLogin, ledger)
    }

    private struct File: Decodable {
        struct Gitea: Decodable {
            let url: String?
            let token_file: String?
            let login: String?
        }
        let data_dir: String?
        let gitea: Gitea?
        let ledger: String?
        let ledger_password_file: String?
        let instance: String?
        let ledger_lease_s: Int64?
    }

    /// Loads the Gate's part of the configuration file at `path` (other fields are not read, so not checked).
    public static func load(path: String) throws(BotConfigurationError) -> GateSettings {
        let (data, directory) = try read(path)
        return try parse(data, directory: directory)
    }

    /// The configuration file's bytes and folder (relative paths in it resolve against the folder).
    static func read(_ path: String) throws(BotConfigurationError) -> (data: Data, directory: String) {
        do { return (try Data(contentsOf: URL(fileURLWithPath: path)), URL(fileURLWithPath: path).deletingLastPathComponent().path) } catch {
            throw BotConfigurationError(field: path, problem: "cannot read the configuration file (\(error.localizedDescription))")
        }
    }

    /// Parses the Gate's part of configuration JSON; relative paths resolve against `directory`.
    public static func parse(_ data: Data, directory: String) throws(BotConfigurationError) -> GateSettings {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw BotConfigurationError(field: BotConfiguration.path(of: error), problem: "wrong type or invalid JSON")
        }
        guard let gitea = file.gitea else { throw BotConfigurationError(field: "gitea", problem: "missing: {\"url\", \"token_file\", \"login\"}") }
        guard let urlText = gitea.url, let url = URL(string: urlText), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
        else {
            throw BotConfigurationError(field: "gitea.url", problem: "must be an http(s) URL like https://forge.example")
        }
        guard let login = gitea.login, !login.isEmpty else {
            throw BotConfigurationError(field: "gitea.login", problem: "missing: the bot's Gitea user name")
        }
        let dataDirectory = resolve(file.data_dir ?? "data", in: directory)
        let ledger = try LedgerSettings.parse(
            file.ledger, passwordFile: file.ledger_password_file, instance: file.instance, lease: file.ledger_lease_s,
            directory: directory,
            defaultPath: URL(fileURLWithPath: dataDirectory).appendingPathComponent("ledger.sqlite").path)
        return GateSettings(
            dataDirectory: dataDirectory, giteaURL: url,
            giteaTokenFile: gitea.token_file.map { resolve($0, in: directory) }, giteaLogin: login, ledger: ledger)
    }

    static func resolve(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
    }

    /// The Gitea token: `GITEA_TOKEN` if set, else `gitea.token_file`.
    public func giteaToken(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BotConfigurationError) -> String {
        try Self.giteaToken(file: giteaTokenFile, environment: environment)
    }

    /// The Gitea token: `GITEA_TOKEN` if set, else the contents of `file` (private to its owner, not empty).
    public static func giteaToken(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(BotConfigurationError) -> String
    {
        if let fromEnvironment = environment["GITEA_TOKEN"], !fromEnvironment.isEmpty { return fromEnvironment }
        guard let file else { throw BotConfigurationError(field: "gitea.token_file", problem: "missing (or set GITEA_TOKEN)") }
        let text = try SecretFile.read(file, field: "gitea.token_file")
        guard !text.isEmpty else { throw BotConfigurationError(field: "gitea.token_file", problem: "\(file) is empty") }
        return text
    }
}
