import ArgumentParser
import Bot
import CLISupport
import Foundation
import Gate
import Logging

/// `operator-gate webhook install owner/name`: creates the repository's webhook that delivers to the bot.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Set up Gitea's webhooks for the bot.", subcommands: [Install.self])

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Create the repository's webhook (type gitea, content type json, the configured secret, the events notices \
                read) delivering to webhook.public_url; nothing is created when one already points there. Needs a token that \
                may administer the repository.
                """)
        @OptionGroup var config: ConfigFileOption
        @Argument(help: "The repository, owner/name.") var repository: String
        @Option(help: "Seconds per Gitea request.") var timeout = 15.0

        func run() async throws {
            try await runAsyncTool {
                let configuration: BotConfiguration
                do { configuration = try BotConfiguration.load(path: config.path) } catch { throw CLIError("\(config.path): \(error)") }
                guard let settings = configuration.webhook else { throw CLIError("\(config.path): no \"webhook\" section") }
                guard let url = settings.publicURL else {
                    throw CLIError(
                        "\(config.path): webhook.public_url is missing: the URL Gitea reaches the bot at, e.g. https://bot.example/hooks/gitea")
                }
                let repo: Repository
                do { repo = try Repository(repository) } catch { throw CLIError("\(repository): \(error)") }
                let secret: String
                let token: String
                do { (secret, token) = (try settings.secret(), try configuration.giteaToken()) } catch { throw CLIError("\(config.path): \(error)") }
                let client = GiteaClient(
                    baseURL: configuration.giteaURL, token: token, timeout: .seconds(timeout), logger: .quiet("operator-gate.webhook"))
                do {
                    if let existing = try await client.hooks(repo).first(where: { $0.config?["url"] == url }) {
                        StandardIO.printLine(#"{"repo":"\#(repo)","hook":\#(existing.id),"url":"\#(url)","created":false}"#)
                        return
                    }
                    let hook = try await client.createHook(repo, url: url, secret: secret)
                    StandardIO.printLine(#"{"repo":"\#(repo)","hook":\#(hook.id),"url":"\#(url)","created":true}"#)
                } catch { throw CLIError("\(repo): \(error)") }
            }
        }
    }
}
