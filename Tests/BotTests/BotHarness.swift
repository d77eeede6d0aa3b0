import Foundation
import Gate
import GiteaSimulator
import Logging
import NIOConcurrencyHelpers
import NostrCore
import NostrIngress
import TestSupport

/// One end-to-end setup: real relay processes, the Gitea simulator (in process), a configuration folder, the
/// bot as a real `operator-gate run` process, and rust-nostr (nostr-sdk) as the operators' client.
final class BotHarness: @unchecked Sendable {
    let directory: URL
    let bot = SecretKey.generate()
    let alice = SecretKey.generate()
    /// An operator allowed only `show` and `status` on other/*.
    let bob = SecretKey.generate()
    /// A second operator with alice's rights (the multi-instance tests).
    let carol = SecretKey.generate()
    let stranger = SecretKey.generate()
    let relays: [RelayProcess]
    let state: GiteaSimulatorState
    let giteaURL: URL
    private let peer: RustNostrPeer
    private let peerLock = NSLock()
    private(set) var process: Process?
    var logFile: String { directory.appendingPathComponent("bot.log").path }
    var configPath: String { directory.appendingPathComponent("operator-gate.json").path }

    /// - Parameters:
    ///   - extraRelays: more relay URLs for relays.json (in-process doubles such as ``HostileRelay``); the operators'
    ///     client does not use them.
    ///   - reachability: configuration text after `operators` (`profile`, `dm_relays`, `discovery_relays`…). The
    ///     default names no discovery relay: tests never reach past loopback.
    init(
        relays: [RelayProcess], state: GiteaSimulatorState, giteaURL: URL, limits: String = "", extraRelays: [String] = [],
        reachability: String = #", "discovery_relays": []"#
    ) throws {
        self.relays = relays
        self.state = state
        self.giteaURL = giteaURL
        peer = try RustNostrPeer()
        directory = ScratchDirectory.root.appendingPathComponent("og-bot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyFile = directory.appendingPathComponent("bot.nsec").path
        try bot.nsec.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        try "bot-token\n".write(to: directory.appendingPathComponent("gitea.token"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory.appendingPathComponent("gitea.token").path)
        let relayList = #"{"relays": ["# + (relays.map(\.url) + extraRelays).map { #"{"url": "\#($0)"}"# }.joined(separator: ", ") + "]}"
        try relayList.write(to: directory.appendingPathComponent("relays.json"), atomically: true, encoding: .utf8)
        let config = """
            {"key_file": "bot.nsec", "relays_file": "relays.json", "data_dir": "data",
             "gitea": {"url": "\(giteaURL.absoluteString)", "token_file": "gitea.token", "login": "gatebot"},
             "operators": [
               {"npub": "\(alice.publicKey.npub)", "name": "alice", "repos": ["ops/*"],
                "actions": ["create_issue", "add_comment", "close_issue", "reopen_issue", "assign_issue", "label_issue", "merge_pr", "show", "status",
                            "watch"],
                "default_repo": "ops/tc", "aliases": {"tc": "ops/tc"}},
               {"npub": "\(bob.publicKey.npub)", "name": "bob", "repos": ["other/*"], "actions": ["show", "status"]},
               {"npub": "\(carol.publicKey.npub)", "name": "carol", "repos": ["ops/*"],
                "actions": ["create_issue", "add_comment", "close_issue", "show", "status"], "default_repo": "ops/tc"}
             ]\(limits)\(reachability)}
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Runs `body` with a simulator seeded with ``GiteaSimulatorState/seedExample()`` and the given relays.
    static func with(
        _ kinds: [RelayProcess.Kind], limits: String = "", extraRelays: [String] = [],
        reachability: @escaping @Sendable ([RelayProcess]) -> String = { _ in #", "discovery_relays": []"# },
        _ body: @Sendable (BotHarness) async throws -> Void
    ) async throws {
        let state = GiteaSimulatorState()
        await state.seedExample()
        let port = BoundPort()
        var logger = Logger(label: "test.gitea-simulator")
        logger.logLevel = .critical
        let quietLogger = logger
        let relays = try kinds.map { try RelayProcess($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await GiteaSimulator.run(state: state, logger: quietLogger) { bound in port.value.withLockedValue { $0 = bound } } }
            while port.value.withLockedValue({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            let harness = try BotHarness(
                relays: relays, state: state, giteaURL: URL(string: "http://127.0.0.1:\(port.value.withLockedValue { $0! })")!, limits: limits,
                extraRelays: extraRelays, reachability: reachability(relays))
            defer {
                harness.process.map { if $0.isRunning { kill($0.processIdentifier, SIGKILL) } }
                for process in harness.instances.values where process.isRunning {
                    kill(process.processIdentifier, SIGCONT)
                    kill(process.processIdentifier, SIGKILL)
                }
            }
            do { try await body(harness) } catch {
                let instanceLogs = harness.instances.keys.sorted().map {
                    "--- instance \($0) log (tail) ---\n\(harness.instanceLogTail($0, characters: 2500))"
                }
                throw RustNostrPeer.PeerError("\(error)\n--- bot log (tail) ---\n\(harness.logTail())\n" + instanceLogs.joined(separator: "\n"))
            }
            group.cancelAll()
        }
    }

    /// Starts `operator-gate run` on the harness's configuration (SQLite ledger in `data/`).
    /// - Parameter environment: added to the process's (``StopPoint/environmentVariable``, say).
    func startBot(_ extra: [String] = [], environment: [String: String] = [:]) throws {
        startsBefore = runningLines()
        process = try OperatorGateProcess.startLogging(
            ["run", "--config", configPath, "--log-level", "debug"] + extra, logFile: logFile,
            environment: ["GITEA_TOKEN": "", "OPERATOR_GATE_NSEC": ""].merging(environment) { $1 })
    }

    /// Waits until `process` has stopped itself (state `T` in /proc: a ``StopPoint`` was reached).
    static func waitUntilStopped(_ process: Process?, timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            guard let process, process.isRunning else { throw RustNostrPeer.PeerError("the process exited instead of stopping") }
            let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
            // pid (comm) state …: the state follows the last ')'.
            if let close = stat.lastIndex(of: ")"), stat[close...].dropFirst(2).first == "T" { return }
            try await Task.sleep(for: .milliseconds(20))
        } while Date() < deadline
        throw RustNostrPeer.PeerError("the process did not reach its stop point in \(timeout) s")
    }

    /// Waits until the bot's log says it is running (its subscriptions were sent when it connected).
    func waitUntilRunning(timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while runningLines() <= startsBefore {
            guard process?.isRunning == true else { throw RustNostrPeer.PeerError("the bot exited early:\n\(logTail())") }
            guard Date() < deadline else { throw RustNostrPeer.PeerError("the bot did not start in \(timeout) s") }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Give the relays a moment to register the subscriptions.
        try await Task.sleep(for: .milliseconds(300))
    }

    // MARK: - Several instances on one shared ledger

    /// Processes of `operator-gate run` instances by number (``startInstance(_:ledger:lease:)``).
    private(set) var instances: [Int: Process] = [:]
    private var instanceStarts: [Int: Int] = [:]

    func instanceDirectory(_ number: Int) -> URL { directory.appendingPathComponent("instance-\(number)") }
    func instanceConfig(_ number: Int) -> String { instanceDirectory(number).appendingPathComponent("operator-gate.json").path }

    /// `operator-gate ledger list --state STATE` on the ledger `config` names (the harness's own by default), as JSON.
    func ledgerEntries(state: String, config: String? = nil) async throws -> [[String: Any]] {
        let (status, out, errors) = try await OperatorGateProcess.run(
            [
                "ledger", "list", "--config", config ?? configPath, "--state", state,
                "--limit", "1000"
            ],
            environment: ["OPERATOR_GATE_LEDGER_PASSWORD": PostgresScratch.password ?? ""])
        guard status == 0, let entries = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] else {
            throw RustNostrPeer.PeerError("ledger list failed (\(status)): \(errors)")
        }
        return entries
    }

    func instanceLog(_ number: Int) -> String { instanceDirectory(number).appendingPathComponent("bot.log").path }

    /// Starts instance `number`: the harness's configuration with its own data directory, `ledger` set to the
    /// PostgreSQL URL (password from the environment), `instance` "gate-N" and a short lease.
    func startInstance(
        _ number: Int, ledger: String, password: String, lease: Int, extra: [String] = [],
        environment: [String: String] = [:], webhookPort: Int? = nil
    ) throws {
        let folder = instanceDirectory(number)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = try String(contentsOfFile: configPath, encoding: .utf8)
        config = config.replacingOccurrences(
            of: #""key_file": "bot.nsec", "relays_file": "relays.json", "data_dir": "data""#,
            with: """
                "key_file": "\(directory.path)/bot.nsec", "relays_file": "\(directory.path)/relays.json", "data_dir": "data",
                "ledger": "\(ledger)", "instance": "gate-\(number)", "ledger_lease_s": \(lease)
                """)
        config = config.replacingOccurrences(of: #""token_file": "gitea.token""#, with: #""token_file": "\#(directory.path)/gitea.token""#)
        if let webhookPort {
            config = config.replacingOccurrences(
                of: #""listen": "127.0.0.1:[0-9]+""#, with: #""listen": "127.0.0.1:\#(webhookPort)""#, options: .regularExpression)
        }
        let path = instanceConfig(number)
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        instanceStarts[number] = Self.count("operator-gate running", in: instanceLog(number))
        instances[number] = try OperatorGateProcess.startLogging(
            ["run", "--config", path, "--log-level", "debug"] + extra, logFile: instanceLog(number),
            environment: [
                "GITEA_TOKEN": "", "OPERATOR_GATE_NSEC": "",
                "OPERATOR_GATE_LEDGER_PASSWORD": password
            ].merging(environment) { $1 })
    }

    func waitUntilInstanceRunning(_ number: Int, timeout: TimeInterval = 60) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Self.count("operator-gate running", in: instanceLog(number)) <= instanceStarts[number] ?? 0 {
            guard instances[number]?.isRunning == true else {
                throw RustNostrPeer.PeerError("instance \(number) exited early:\n\(instanceLogTail(number))")
            }
            guard Date() < deadline else { throw RustNostrPeer.PeerError("instance \(number) did not start in \(timeout) s") }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
    }

    func signalInstance(_ number: Int, _ signal: Int32) {
        if let process = instances[number], process.isRunning { kill(process.processIdentifier, signal) }
    }

    func instanceLogTail(_ number: Int, characters: Int = 4000) -> String {
        Self.tail(ofLog: instanceLog(number), characters: characters)
    }

    /// The end of a bot log; when the process crashed, the head of the crash report (what crashed and the first
    /// frames of the crashed thread) comes first, since the end of a long backtrace says little.
    static func tail(ofLog path: String, characters: Int) -> String {
        let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let tailStart = log.index(log.endIndex, offsetBy: -characters, limitedBy: log.startIndex) ?? log.startIndex
        let end = log[tailStart...]
        guard let crash = log.range(of: "Program crashed") ?? log.range(of: "Fatal error"), crash.lowerBound < tailStart else {
            return String(end)
        }
        let headStart = log.index(crash.lowerBound, offsetBy: -200, limitedBy: log.startIndex) ?? log.startIndex
        let head = log[headStart...].prefix(characters)
        return "--- crash report (head) ---\n\(head)\n--- log (tail) ---\n\(end)"
    }

    static func count(_ needle: String, in file: String) -> Int {
        ((try? String(contentsOfFile: file, encoding: .utf8))?.components(separatedBy: needle).count ?? 1) - 1
    }

    /// Sends many DMs over one rust-nostr connection, in order; returns their event ids.
    @discardableResult
    func sendMany(_ messages: [(sender: SecretKey, scheme: String, text: String)]) async throws -> [String] {
        let answer = try await peerCall([
            "op": "client_send_many", "to": bot.publicKey.hex, "relays": relays.map(\.url),
            "messages": messages.map { ["sec": $0.sender.hex, "scheme": $0.scheme, "text": $0.text] }
        ])
        return answer.eventIDs ?? []
    }

    private var startsBefore = 0
    private func runningLines() -> Int {
        ((try? String(contentsOfFile: logFile, encoding: .utf8))?.components(separatedBy: "operator-gate running").count ?? 1) - 1
    }

    func killBot() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The bot process's resident memory now and at its peak (VmRSS, VmHWM), in MB.
    func memory() -> (now: Double, peak: Double)? {
        process.flatMap { Self.memory(ofProcess: "\($0.processIdentifier)") }
    }

    /// The resident memory of /proc/`process` (`self` for this test process) now and at its peak, in MB.
    static func memory(ofProcess process: String) -> (now: Double, peak: Double)? {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
        func kilobytes(_ field: String) -> Double? {
            status.split(separator: "\n").first { $0.hasPrefix(field + ":") }?.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        }
        guard let now = kilobytes("VmRSS"), let peak = kilobytes("VmHWM") else { return nil }
        return (now / 1024, peak / 1024)
    }

    /// The bot's whole log (every start since the harness began).
    func log() -> String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    func logTail() -> String {
        Self.tail(ofLog: logFile, characters: 6000)
    }

    /// Runs a blocking peer call on its own thread, so the concurrency pool keeps serving the simulator.
    func peerCall(_ request: [String: Any]) async throws -> RustNostrPeer.Answer {
        let box = UncheckedBox(request)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                self.peerLock.lock()
                defer { self.peerLock.unlock() }
                continuation.resume(with: Result { try self.peer.call(box.value) })
            }
        }
    }

    /// Sends a DM with rust-nostr's client to `relays` (all by default); returns the event id.
    @discardableResult
    func send(_ text: String, from sender: SecretKey, scheme: String, relays urls: [String]? = nil) async throws -> String {
        let answer = try await peerCall([
            "op": "client_send", "sec": sender.hex, "to": bot.publicKey.hex, "scheme": scheme, "text": text,
            "relays": urls ?? relays.map(\.url)
        ])
        return answer.eventID ?? ""
    }

    /// The bot's replies to `recipient` as rust-nostr fetches and decrypts them (NIP-17 self-copies excluded).
    func replies(to recipient: SecretKey, relays urls: [String]? = nil) async throws -> [RustNostrPeer.Answer.Message] {
        let answer = try await peerCall([
            "op": "client_fetch", "sec": recipient.hex, "relays": urls ?? relays.map(\.url),
            "since": Int(Date().timeIntervalSince1970) - 3 * 86400, "timeout": 3
        ])
        return (answer.messages ?? []).filter { $0.from == bot.publicKey.hex }
    }

    /// Polls until `recipient` has at least `count` replies (or `timeout`), and returns them all.
    func awaitReplies(to recipient: SecretKey, count: Int, timeout: TimeInterval = 20) async throws -> [RustNostrPeer.Answer.Message] {
        let deadline = Date().addingTimeInterval(timeout)
        var latest: [RustNostrPeer.Answer.Message] = []
        while Date() < deadline {
            latest = try await replies(to: recipient)
            if latest.count >= count { return latest }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw RustNostrPeer.PeerError("expected \(count) replies, got \(latest.count): \(latest.map(\.text))")
    }

    /// Sends one DM and waits for the one new reply; returns its text.
    func ask(_ text: String, from sender: SecretKey, scheme: String) async throws -> String {
        let before = Set(try await replies(to: sender).map(\.id))
        try await send(text, from: sender, scheme: scheme)
        let after = try await awaitReplies(to: sender, count: before.count + 1)
        let new = after.filter { !before.contains($0.id) }
        guard new.count == 1 else { throw RustNostrPeer.PeerError("expected one new reply to \"\(text)\", got \(new.map(\.text))") }
        return new[0].text
    }
}

private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

private final class BoundPort: Sendable {
    let value = NIOLockedValueBox<Int?>(nil)
}
