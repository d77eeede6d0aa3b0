import Bot
import CLISupport
import Foundation
import NostrCore
import NostrIngress

/// The checked inputs of a bot: configuration, key, relay list, Gitea token. Every failure names the field.
struct BotRuntimeInputs {
    let configuration: BotConfiguration
    let secretKey: SecretKey
    let relays: RelayList
    let giteaToken: String

    static func load(config: String) throws -> BotRuntimeInputs {
        let configuration: BotConfiguration
        do { configuration = try BotConfiguration.load(path: config) } catch { throw CLIError("\(config): \(error)") }
        let secretKey: SecretKey
        do {
            secretKey = try configuration.secretKey()
            try configuration.check(botKey: secretKey.publicKey)
        } catch { throw CLIError("\(config): \(error)") }
        let relays: RelayList
        do { relays = try RelayList.load(path: configuration.relaysFile, requireRead: true, requireWrite: true) } catch {
            throw CLIError("\(config): relays_file \(configuration.relaysFile): \(error.description)")
        }
        let token: String
        do { token = try configuration.giteaToken() } catch { throw CLIError("\(config): \(error)") }
        return BotRuntimeInputs(configuration: configuration, secretKey: secretKey, relays: relays, giteaToken: token)
    }
}
