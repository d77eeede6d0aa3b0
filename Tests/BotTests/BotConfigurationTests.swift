import Foundation
import Gate
import NostrCore
import TestSupport
import Testing

@testable import Bot

@Suite struct BotConfigurationTests {
    static let alice = SecretKey.generate().publicKey

    static func json(_ operators: String = "", extra: String = "") -> String {
        let entry =
            operators.isEmpty
            ? #"{"npub": "\#(alice.npub)", "name": "alice", "repos": ["timmy/*", "other/one"], "actions": ["close_issue", "show", "status"], "default_repo": "timmy/timmy-config", "aliases": {"tc": "timmy/timmy-config"}}"#
            : operators
        return
            #"{"key_file": "bot.nsec", "gitea": {"url": "https://forge.example", "token_file": "gitea.token", "login": "gatebot"}, "operators": [\#(entry)]\#(extra)}"#
    }

    static func parse(_ text: String) throws(BotConfigurationError) -> BotConfiguration {
        try BotConfiguration.parse(Data(text.utf8), directory: "/etc/operator-gate")
    }

    @Test func theDocumentedShapeWithDefaults() throws {
        let config = try Self.parse(Self.json(extra: #", "limits": {"commands_per_minute": 10}"#))
        #expect(config.keyFile == "/etc/operator-gate/bot.nsec")
        #expect(config.relaysFile == "/etc/operator-gate/relays.json" && config.dataDirectory == "/etc/operator-gate/data")
        #expect(config.giteaTokenFile == "/etc/operator-gate/gitea.token" && config.giteaLogin == "gatebot")
        #expect(config.limits.commandsPerMinute == 10 && config.limits.maxDMBytes == 16_384 && config.limits.maxDMAge == 900)
        #expect(config.limits.parallelCommands == 16)
        #expect(try Self.parse(Self.json(extra: #", "limits": {"parallel_commands": 4}"#)).limits.parallelCommands == 4)
        #expect(!config.replyToStrangers)
        let op = try #require(config.operator(Self.alice))
        #expect(op.name == "alice" && op.aliases["tc"]?.description == "timmy/timmy-config")
    }

    @Test func policyChecksRepositoryAndAction() throws {
        let op = try #require(try Self.parse(Self.json()).operator(Self.alice))
        #expect(op.refusal(.closeIssue, on: try Repository("timmy/anything")) == nil)
        #expect(op.refusal(.closeIssue, on: try Repository("Other/One")) == nil)
        #expect(op.refusal(.closeIssue, on: try Repository("other/two"))?.contains("may not act on other/two") == true)
        #expect(op.refusal(.mergePR, on: try Repository("timmy/x"))?.contains("may not merge_pr") == true)
        #expect(op.refusal(.closeIssue, on: try Repository("timmyx/y")) != nil, "owner/* must not match a longer owner name")
    }

    @Test func theLedgerSettings() throws {
        // Default: SQLite in the data directory, this host's name, a 30 s lease.
        let plain = try Self.parse(Self.json())
        #expect(plain.ledger.backend == .sqlite(path: "/etc/operator-gate/data/ledger.sqlite") && plain.ledger.leaseSeconds == 30)
        #expect(plain.ledger.instance == ProcessInfo.processInfo.hostName && plain.gate.ledger == plain.ledger)
        #expect(
            try Self.parse(Self.json(extra: #", "ledger": "sqlite:///var/lib/og/l.sqlite""#)).ledger.backend == .sqlite(path: "/var/lib/og/l.sqlite"))
        #expect(
            try Self.parse(Self.json(extra: #", "ledger": "sqlite://state/l.sqlite""#)).ledger.backend
                == .sqlite(path: "/etc/operator-gate/state/l.sqlite"))
        let shared = try Self.parse(
            Self.json(
                extra:
                    #", "ledger": "postgres://gate@db.internal:6432/og", "instance": "gate-2", "ledger_lease_s": 12, "ledger_password_file": "pg.pass""#
            ))
        #expect(shared.ledger.backend == .postgres(url: "postgres://gate@db.internal:6432/og"))
        #expect(shared.ledger.instance == "gate-2" && shared.ledger.leaseSeconds == 12 && shared.ledger.passwordFile == "/etc/operator-gate/pg.pass")
        // The gate part (gate exec, ledger list) reads the same settings.
        #expect(
            try GateSettings.parse(
                Data(Self.json(extra: #", "ledger": "postgres://gate@db.internal:6432/og", "instance": "gate-2""#).utf8),
                directory: "/etc/operator-gate"
            ).ledger.instance == "gate-2")

        func error(_ extra: String) -> BotConfigurationError? {
            do {
                _ = try Self.parse(Self.json(extra: extra))
                return nil
            } catch { return error }
        }
        #expect(error(#", "ledger": "mysql://a@b/c""#)?.field == "ledger")
        #expect(error(#", "ledger": "postgres://gate:secret@db/og""#)?.problem.contains("do not put the password in the URL") == true)
        #expect(error(#", "ledger": "postgres://gate@db""#)?.problem.contains("names no database") == true)
        #expect(error(#", "ledger": "sqlite://""#)?.field == "ledger")
        #expect(error(#", "ledger_lease_s": 1"#)?.field == "ledger_lease_s")
        #expect(error(#", "instance": """#)?.field == "instance")
    }

    @Test func theLedgerPasswordComesFromTheEnvironmentOrAFile() throws {
        let file = ScratchDirectory.root.appendingPathComponent("og-pg-\(UUID().uuidString).pass").path
        try "s3cret\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let settings = LedgerSettings(backend: .postgres(url: "postgres://gate@db/og"), passwordFile: file)
        #expect(try settings.password(environment: [:]) == "s3cret")
        #expect(try settings.password(environment: ["OPERATOR_GATE_LEDGER_PASSWORD": "from-env"]) == "from-env")
        #expect(try LedgerSettings(backend: .postgres(url: "postgres://gate@db/og")).password(environment: [:]) == nil)
        #expect(throws: BotConfigurationError.self) {
            try LedgerSettings(backend: .postgres(url: "postgres://gate@db/og"), passwordFile: file + ".missing").password(environment: [:])
        }
    }

    @Test func errorsNameTheField() {
        func error(_ text: String) -> BotConfigurationError? {
            do {
                _ = try Self.parse(text)
                return nil
            } catch let failure { return failure }
        }
        #expect(error(#"{"operators": []}"#)?.field == "gitea")
        #expect(error(Self.json().replacingOccurrences(of: "https://forge.example", with: "forge.example"))?.field == "gitea.url")
        #expect(error(Self.json(#"{"npub": "npub1nope", "repos": ["a/b"]}"#))?.field == "operators[0].npub")
        #expect(error(Self.json(#"{"npub": "\#(Self.alice.npub)", "repos": []}"#))?.field == "operators[0].repos")
        #expect(
            error(Self.json(#"{"npub": "\#(Self.alice.npub)", "repos": ["a/b"], "actions": ["delete_repo"]}"#))?.field == "operators[0].actions[0]")
        #expect(error(Self.json(#"{"npub": "\#(Self.alice.npub)", "repos": ["nope"]}"#))?.field == "operators[0].repos[0]")
        #expect(
            error(Self.json(#"{"npub": "\#(Self.alice.npub)", "repos": ["a/b"], "aliases": {"x/y": "a/b"}}"#))?.field == "operators[0].aliases.x/y")
        #expect(error(Self.json(extra: #", "limits": {"max_dm_bytes": 0}"#))?.description == "limits.max_dm_bytes: must be positive")
        // Numbers the bot computes with are bounded, so no window or size arithmetic can overflow.
        #expect(error(Self.json(extra: #", "limits": {"max_dm_age_s": 9223372036854775807}"#))?.field == "limits.max_dm_age_s")
        #expect(error(Self.json(extra: #", "limits": {"clock_skew_s": 86401}"#))?.field == "limits.clock_skew_s")
        #expect(error(Self.json(extra: #", "limits": {"max_dm_bytes": 1048577}"#))?.field == "limits.max_dm_bytes")
        #expect(error(Self.json(extra: #", "limits": {"commands_per_minute": 1000000001}"#))?.field == "limits.commands_per_minute")
        #expect(error(Self.json(extra: #", "limits": {"parallel_commands": 257}"#))?.field == "limits.parallel_commands")
        #expect(error(Self.json(extra: #", "limits": {"parallel_commands": 0}"#))?.field == "limits.parallel_commands")
        // Past Int64: Foundation's decoder refuses it (without a path), which is all that matters here.
        #expect(error(Self.json(extra: #", "limits": {"max_dm_age_s": 99999999999999999999}"#)) != nil)
        #expect(error(Self.json(extra: #", "reply_to_strangers": "no""#))?.field == "reply_to_strangers")
        // Identity and confirmation (#16).
        let op = #"{"npub": "\#(Self.alice.npub)", "repos": ["a/b"], "#
        #expect(error(Self.json(op + #""token_file": "alice.token"}"#))?.field == "operators[0].token_file")
        #expect(error(Self.json(op + #""gitea_user": "al ice"}"#))?.field == "operators[0].gitea_user")
        #expect(error(Self.json(op + #""confirm": ["show"]}"#))?.description.contains("is not a write action") == true)
        #expect(error(Self.json(extra: #", "confirm_ttl_s": 59"#))?.field == "confirm_ttl_s")
        #expect(error(Self.json(extra: #", "confirm_ttl_s": 86401"#))?.field == "confirm_ttl_s")
    }

    /// `gitea_user`, `token_file` (resolved against the configuration's folder), `confirm` and `confirm_ttl_s`.
    @Test func identityAndConfirmation() throws {
        let config = try Self.parse(
            Self.json(
                #"{"npub": "\#(Self.alice.npub)", "repos": ["a/b"], "gitea_user": "alice", "token_file": "alice.token", "confirm": ["merge_pr"]}"#,
                extra: #", "confirm_ttl_s": 120"#))
        let op = try #require(config.operators.first)
        #expect(op.giteaUser == "alice" && op.tokenFile == "/etc/operator-gate/alice.token" && op.confirm == [.mergePR])
        #expect(config.confirmationTTL == 120)
        let stamped = op.stamp(Command(source: "nostr:x", repository: try Repository("a/b"), payload: .reopenIssue(issue: 1), receivedAt: 1))
        #expect(stamped.operatorName == "operator 0" && stamped.actingUser == "alice")
        let unstamped = Command(source: "nostr:x", repository: try Repository("a/b"), payload: .reopenIssue(issue: 1), receivedAt: 1)
        #expect(IdempotencyKey(stamped) == IdempotencyKey(unstamped), "who acts is not part of the gate key")
        #expect(try Self.parse(Self.json()).confirmationTTL == 600)
    }

    @Test func keyFileMustBePrivateAndEnvironmentWins() throws {
        let directory = ScratchDirectory.root.appendingPathComponent("og-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secret = SecretKey.generate()
        let keyPath = directory.appendingPathComponent("bot.nsec").path
        try secret.nsec.write(toFile: keyPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        let config = try BotConfiguration.parse(Data(Self.json().utf8), directory: directory.path)
        #expect(throws: BotConfigurationError.self) { try config.secretKey(environment: [:]) }
        do { _ = try config.secretKey(environment: [:]) } catch { #expect(error.description.contains("chmod 600")) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyPath)
        #expect(try config.secretKey(environment: [:]) == secret)
        let other = SecretKey.generate()
        #expect(try config.secretKey(environment: ["OPERATOR_GATE_NSEC": other.hex]) == other)
        #expect(try config.giteaToken(environment: ["GITEA_TOKEN": "t0k"]) == "t0k")
        #expect(throws: BotConfigurationError.self) { try config.giteaToken(environment: [:]) }
    }
}

/// Least privilege: what an operator may do when the configuration says little, and secrets that leak.
@Suite struct LeastPrivilegeTests {
    @Test func anOperatorWithoutActionsMayOnlyRead() throws {
        let config = try BotConfigurationTests.parse(
            BotConfigurationTests.json(#"{"npub": "\#(BotConfigurationTests.alice.npub)", "repos": ["ops/*"]}"#))
        let op = try #require(config.operator(BotConfigurationTests.alice))
        #expect(op.actions == [.show, .status, .list])
        #expect(op.refusal(.show, on: try Repository("ops/tc")) == nil)
        for action in [GateAction.mergePR, .closeIssue, .createIssue, .dispatchWorkflow, .rerunWorkflow] {
            #expect(op.refusal(action, on: try Repository("ops/tc")) != nil, "\(action) allowed without being listed")
        }
        #expect(op.covers("ops/tc") && op.covers("OPS/x") && !op.covers("other/tc") && !op.covers("opsx/tc"))
    }

    /// Exact patterns and wildcards side by side, in any case, as the configuration gives them.
    @Test func repositoryPatternsMatchExactlyOrByOwnerInAnyCase() throws {
        let config = try BotConfigurationTests.parse(
            BotConfigurationTests.json(#"{"npub": "\#(BotConfigurationTests.alice.npub)", "repos": ["Timmy/Config", "Ops/*"]}"#))
        let op = try #require(config.operator(BotConfigurationTests.alice))
        #expect(op.covers("timmy/config") && op.covers("TIMMY/CONFIG") && op.covers("ops/anything"))
        #expect(!op.covers("timmy/config2") && !op.covers("timmy/conf") && !op.covers("timmy/other") && !op.covers("opsx/tc"))
        #expect(op.refusal(.show, on: try Repository("timmy/Config")) == nil)
        #expect(op.refusal(.show, on: try Repository("timmy/other")) != nil)
    }

    @Test func theBotsOwnKeyIsNoOperator() throws {
        let config = try BotConfigurationTests.parse(BotConfigurationTests.json())
        #expect(throws: BotConfigurationError.self) { try config.check(botKey: BotConfigurationTests.alice) }
        do { try config.check(botKey: BotConfigurationTests.alice) } catch { #expect(error.field == "operators[0].npub") }
        try config.check(botKey: SecretKey.generate().publicKey)
    }

    @Test func tokenAndPasswordFilesMustBePrivate() throws {
        let directory = ScratchDirectory.root.appendingPathComponent("og-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let token = directory.appendingPathComponent("gitea.token").path
        let password = directory.appendingPathComponent("pg.pass").path
        try " t0k \n".write(toFile: token, atomically: true, encoding: .utf8)
        try "pw\n".write(toFile: password, atomically: true, encoding: .utf8)
        let config = try BotConfiguration.parse(Data(BotConfigurationTests.json().utf8), directory: directory.path)
        let ledger = LedgerSettings(backend: .postgres(url: "postgres://gate@db/og"), passwordFile: password)
        for mode in [0o644, 0o640, 0o604] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: token)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: password)
            do {
                _ = try config.giteaToken(environment: [:])
                Issue.record("token file mode \(mode) accepted")
            } catch {
                #expect(error.field == "gitea.token_file" && error.description.contains("chmod 600"))
            }
            do {
                _ = try ledger.password(environment: [:])
                Issue.record("password file mode \(mode) accepted")
            } catch {
                #expect(error.field == "ledger_password_file" && error.description.contains("chmod 600"))
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: token)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: password)
        #expect(try config.giteaToken(environment: [:]) == "t0k")
        #expect(try ledger.password(environment: [:]) == "pw")
    }
}

@Suite struct ExampleConfigurationTests {
    @Test func theShippedExampleIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try BotConfiguration.load(path: root.appendingPathComponent("operator-gate.example.json").path)
        #expect(config.operators.count == 1 && config.operators[0].actions.count == 12)
        #expect(config.operators[0].giteaUser == "alice" && config.operators[0].confirm == [.mergePR, .dispatchWorkflow])
        #expect(config.operators[0].publicKey.hex == "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e")
    }
}
