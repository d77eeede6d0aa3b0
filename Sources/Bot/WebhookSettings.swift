import Foundation

/// The webhook receiver's configuration (`"webhook": {"listen": "127.0.0.1:9478", "secret_file": "webhook.secret",
/// "digest_s": 10, "echo": true, "public_url": "https://bot.example/hooks/gitea"}`); absent: no receiver.
public struct WebhookSettings: Sendable, Equatable {
    public let host: String
    public let port: Int
    /// The shared secret's file (mode 0600); `OPERATOR_GATE_WEBHOOK_SECRET` overrides it.
    public let secretFile: String?
    /// Events within this many seconds after a notice about a repository become one digest DM.
    public let digestSeconds: Int64
    /// Whether changes the bot itself made are notified (marked "(via operator-gate)").
    public let echo: Bool
    /// Where Gitea reaches the receiver (behind a reverse proxy), for `webhook install` and `doctor`.
    public let publicURL: String?
    /// Notice DMs an operator gets per minute at most, over all repositories (`notices_per_minute`, default 12).
    public let noticesPerMinute: Int

    private struct File: Decodable {
        struct Entry: Decodable {
            let listen: String?
            let secret_file: String?
            let digest_s: Int64?
            let echo: Bool?
            let public_url: String?
            let notices_per_minute: Int?
        }
        let webhook: Entry?
    }

    /// The `webhook` object of a configuration; `nil` when there is none.
    public static func parse(_ data: Data, directory: String) throws(BotConfigurationError) -> WebhookSettings? {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw BotConfigurationError(field: BotConfiguration.path(of: error), problem: "wrong type or invalid JSON")
        }
        guard let entry = file.webhook else { return nil }
        let listen = entry.listen ?? "127.0.0.1:9478"
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (1...65535).contains(port),
            colon > listen.startIndex
        else { throw BotConfigurationError(field: "webhook.listen", problem: "\"\(listen)\" is not host:port") }
        let digest = entry.digest_s ?? 10
        guard (0...3600).contains(digest) else { throw BotConfigurationError(field: "webhook.digest_s", problem: "must be 0 to 3600 seconds") }
        let perMinute = entry.notices_per_minute ?? 12
        guard (1...10_000).contains(perMinute) else {
            throw BotConfigurationError(field: "webhook.notices_per_minute", problem: "must be 1 to 10000")
        }
        if let url = entry.public_url, URL(string: url)?.scheme?.hasPrefix("http") != true {
            throw BotConfigurationError(field: "webhook.public_url", problem: "\"\(url)\" is not an http(s) URL")
        }
        return WebhookSettings(
            host: String(listen[..<colon]), port: port, secretFile: entry.secret_file.map { GateSettings.resolve($0, in: directory) },
            digestSeconds: digest, echo: entry.echo ?? true, publicURL: entry.public_url, noticesPerMinute: perMinute)
    }

    /// The shared secret: `OPERATOR_GATE_WEBHOOK_SECRET` if set, else `secret_file` (private to its owner), surrounding
    /// whitespace trimmed; never empty.
    public func secret(environment: [String: String] = ProcessInfo.processInfo.environment) throws(BotConfigurationError) -> String {
        if let value = environment["OPERATOR_GATE_WEBHOOK_SECRET"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return value
        }
        guard let secretFile else {
            throw BotConfigurationError(field: "webhook.secret_file", problem: "missing (or set OPERATOR_GATE_WEBHOOK_SECRET)")
        }
        let text = try SecretFile.read(secretFile, field: "webhook.secret_file")
        guard !text.isEmpty else { throw BotConfigurationError(field: "webhook.secret_file", problem: "\(secretFile) is empty") }
        return text
    }
}
