import ArgumentParser
import Bot
import CLISupport
import Encoding
import Foundation
import Gate
import GatePostgres
import Logging
import NostrCore
import NostrIngress

/// `operator-gate doctor`: checks a deployment as a checklist.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, the bot key, each relay, the Gitea token and login, each allowed repository, and the ledger.",
        discussion: "Prints one ✓ or ✗ line per check; exits 1 when any check failed. Secrets are never printed.")

    @OptionGroup var configFile: ConfigFileOption
    var config: String { configFile.path }
    @Option(help: "Seconds to wait for relays and Gitea.") var timeout = 5.0

    func run() async throws {
        var failed = 0
        func check(_ ok: Bool, _ text: String) {
            StandardIO.printLine((ok ? "✓ " : "✗ ") + text)
            if !ok { failed += 1 }
        }
        let configuration: BotConfiguration
        do { configuration = try BotConfiguration.load(path: config) } catch {
            check(false, "configuration \(config): \(error)")
            throw ExitCode(1)
        }
        check(true, "configuration \(config): \(configuration.operators.count) operator(s), data in \(configuration.dataDirectory)")

        var bot: KeyPair?
        do {
            bot = try configuration.secretKey().keyPair
            try configuration.check(botKey: bot!.publicKey)
            check(true, "bot key: \(bot!.publicKey.npub)")
        } catch { check(false, "bot key: \(error)") }

        let quiet = Logger.quiet("operator-gate.doctor")
        do {
            let relays = try RelayList.load(path: configuration.relaysFile, requireRead: true, requireWrite: true)
            check(true, "relay list \(configuration.relaysFile): \(relays.relays.count) relay(s)")
            let pool = RelayPool(relays: relays, keyPair: bot, logger: quiet) { [:] }
            let wait = Duration.milliseconds(Int64(timeout * 1000))
            let statuses = try await whileRunning([{ await pool.run() }]) {
                await pool.waitForConnections(timeout: wait)
                return await pool.status()
            }
            for status in statuses {
                check(
                    status.state == .connected,
                    "relay \(status.url): "
                        + (status.state == .connected ? "connected" : "\(status.state.rawValue)\(status.lastError.map { " (\($0))" } ?? "")"))
            }
            if let bot {
                for (passed, line) in await Self.announcementChecks(configuration, relays: relays, bot: bot, timeout: wait, logger: quiet) {
                    check(passed, line)
                }
            }
        } catch {
            check(false, "relay list \(configuration.relaysFile): \(error)")
        }

        do {
            let token = try configuration.giteaToken()
            check(
                true,
                "Gitea token: present (\(ProcessInfo.processInfo.environment["GITEA_TOKEN"].map { $0.isEmpty ? "from gitea.token_file" : "from GITEA_TOKEN" } ?? "from gitea.token_file"))"
            )
            let client = GiteaClient(baseURL: configuration.giteaURL, token: token, timeout: .seconds(timeout), logger: quiet)
            do {
                let user = try await client.currentUser()
                check(
                    user.login.lowercased() == configuration.giteaLogin.lowercased(),
                    "Gitea \(configuration.giteaURL.absoluteString): token belongs to \(user.login)"
                        + (user.login.lowercased() == configuration.giteaLogin.lowercased()
                            ? "" : ", but gitea.login says \(configuration.giteaLogin)"))
                for pattern in Set(configuration.operators.flatMap(\.repositories)).sorted() {
                    await checkRepository(pattern, client: client, check: check)
                }
                await Self.checkActingUsers(configuration, token: token, timeout: timeout, check: check)
                await Self.checkHooks(configuration, client: client, check: check)
            } catch {
                check(false, "Gitea \(configuration.giteaURL.absoluteString): \(error)")
            }
        } catch {
            check(false, "Gitea token: \(error)")
        }

        for (passed, line, note) in await Self.ledgerChecks(configuration.ledger) {
            check(passed, line)
            if let note { StandardIO.printLine("  note: " + note) }
        }
        StandardIO.printLine(failed == 0 ? "All checks passed." : "\(failed) check(s) failed.")
        if failed > 0 { throw ExitCode(1) }
    }

    /// Each operator's acting login: `GET /user` with their personal token, or with `Sudo:` on the bot's token, must
    /// answer with that login.
    static func checkActingUsers(_ configuration: BotConfiguration, token: String, timeout: TimeInterval, check: (Bool, String) -> Void) async {
        let forges: [String: any Forge]
        do { forges = try BotAssembly.actingForges(configuration, giteaToken: token, timeout: timeout, logger: .quiet("operator-gate.doctor")) } catch
        {
            check(false, "operators' Gitea identities: \(error)")
            return
        }
        for op in configuration.operators {
            guard let login = op.giteaUser, let forge = forges[login.lowercased()] else { continue }
            let how = op.tokenFile == nil ? "Sudo: \(login) on the bot's token" : "personal token \(op.tokenFile ?? "")"
            do {
                let user = try await forge.currentUser()
                let matches = user.login.caseInsensitiveCompare(login) == .orderedSame
                check(matches, "operator \(op.name) acts as \(login) (\(how))" + (matches ? "" : ", but Gitea answers as \(user.login)"))
            } catch {
                let hint = op.tokenFile == nil ? " (Sudo needs a site administrator's token)" : ""
                check(false, "operator \(op.name) acts as \(login) (\(how)): \(error)\(hint)")
            }
        }
    }

    /// With `webhook`: every watched repository has an active hook delivering to `public_url`, and when the last
    /// delivery arrived.
    static func checkHooks(_ configuration: BotConfiguration, client: GiteaClient, check: (Bool, String) -> Void) async {
        guard let settings = configuration.webhook else { return }
        guard let url = settings.publicURL else {
            check(false, "webhook: public_url is not set (the URL Gitea delivers to; webhook install needs it)")
            return
        }
        do {
            let (results, last) = try await Self.withNoticeStore(configuration) { store in
                await Self.hookChecks(of: store, configuration: configuration, url: url, client: client)
            }
            for (passed, line) in results { check(passed, line) }
            StandardIO.printLine("  webhook: " + (last.map { "last delivery received \(RFC3339.utc($0))" } ?? "no delivery received yet"))
        } catch {
            check(false, "webhook: cannot read the subscriptions: \(error)")
        }
    }

    /// The webhook bridge's records as `run` keeps them: the inbox database, or the shared PostgreSQL one.
    static func withNoticeStore<T: Sendable>(
        _ configuration: BotConfiguration, _ body: @escaping @Sendable (any NoticeStore) async throws -> T
    ) async throws -> T {
        let local = try InboxStore(path: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("inbox.sqlite").path)
        switch try configuration.ledger.open(logger: .quiet("operator-gate.doctor")) {
        case .sqlite:
            return try await body(local)
        case .postgres(let ledger):
            return try await whileRunning([{ await ledger.run() }]) { try await body(PostgresNoticeStore(ledger: ledger, local: local)) }
        }
    }

    /// One check per watched repository, and when the last delivery arrived.
    private static func hookChecks(
        of store: any NoticeStore, configuration: BotConfiguration, url: String, client: GiteaClient
    ) async -> (checks: [(Bool, String)], last: Int64?) {
        var checks: [(Bool, String)] = []
        var watched = Set<String>()
        for op in configuration.operators { watched.formUnion((try? await store.subscriptions(operator: op.publicKey.hex).keys) ?? [:].keys) }
        for name in watched.sorted() {
            guard let repo = try? Repository(name) else { continue }
            do {
                let hook = try await client.hooks(repo).first { $0.config?["url"] == url && $0.active != false }
                checks.append(
                    (
                        hook != nil,
                        "webhook \(name): "
                            + (hook.map { "hook \($0.id) delivers to \(url)" }
                                ?? "no active hook delivers to \(url) (operator-gate webhook install \(name))")
                    ))
            } catch {
                checks.append((false, "webhook \(name): cannot list hooks: \(error)"))
            }
        }
        return (checks, (try? await store.lastDeliveryTime()).flatMap { $0 })
    }

    /// The ledger: SQLite file writable, or PostgreSQL reachable, schema version known, writable.
    static func ledgerChecks(_ settings: LedgerSettings) async -> [(passed: Bool, line: String, note: String?)] {
        let logger = Logger.quiet("operator-gate.doctor")
        let place: String
        switch settings.backend {
        case .sqlite(let path): place = path
        case .postgres(let url): place = url
        }
        do {
            switch try settings.open(logger: logger) {
            case .sqlite(let ledger):
                let writable = ledger.isWritable()
                return [
                    (
                        writable, "ledger \(place): \(try ledger.count()) entries, " + (writable ? "writable" : "NOT writable"),
                        claimedNote(try ledger.claimedEntries().count)
                    )
                ]
            case .postgres(let ledger):
                let deadline: @Sendable () async throws -> Void = {
                    try await Task.sleep(for: .seconds(10))
                    throw CLIError("no answer from the database within 10 s")
                }
                return try await whileRunning([{ await ledger.run() }, deadline]) {
                    try await postgresChecks(ledger, settings: settings, url: place)
                }.map { (passed: $0.0, line: $0.1, note: $0.2) }
            }
        } catch {
            return [(false, "ledger \(place): \(String(reflecting: error))", nil)]
        }
    }

    private static func claimedNote(_ count: Int) -> String? {
        count > 0 ? "\(count) entr\(count == 1 ? "y" : "ies") left claimed; `run` reconciles them at start" : nil
    }

    /// Connected, the schema version, writable, entries left claimed.
    private static func postgresChecks(_ ledger: PostgresLedger, settings: LedgerSettings, url: String) async throws -> [(Bool, String, String?)] {
        var results: [(Bool, String, String?)] = []
        try await ledger.checkConnection()
        let version = try await ledger.storedSchemaVersion()
        let supported = PostgresLedger.schemaVersion
        switch version {
        case nil:
            results.append((true, "ledger \(url): connected as instance \(settings.instance); no schema yet", "`run` creates it at start"))
            return results
        case let version? where version > supported:
            results.append(
                (false, "ledger \(url): schema version \(version) is newer than this operator-gate's (\(supported)); upgrade operator-gate", nil))
            return results
        case let version?:
            results.append(
                (
                    true,
                    "ledger \(url): connected as instance \(settings.instance), schema version \(version)"
                        + (version < supported ? " (`run` upgrades it to \(supported))" : ""), nil
                ))
        }
        let writable = await ledger.isWritable()
        results.append(
            (
                writable, "ledger \(url): \(try await ledger.count()) entries, " + (writable ? "writable" : "NOT writable (a standby?)"),
                claimedNote(try await ledger.claimedEntries(now: Int64(Date().timeIntervalSince1970)).count)
            ))
        return results
    }

    private func checkRepository(_ pattern: String, client: GiteaClient, check: (Bool, String) -> Void) async {
        if pattern.hasSuffix("/*") {
            let owner = String(pattern.dropLast(2))
            do {
                _ = try await client.user(named: owner)
                check(true, "repositories \(pattern): owner \(owner) exists")
            } catch {
                check(false, "repositories \(pattern): \(error)")
            }
            return
        }
        do {
            let repository = try Repository(pattern)
            let found = try await client.repository(repository)
            let push = found.permissions?.push ?? false
            check(push, "repository \(pattern): " + (push ? "the bot can write" : "the bot cannot write (give it write access)"))
        } catch {
            check(false, "repository \(pattern): \(error)")
        }
    }
}
