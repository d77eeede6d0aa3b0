import Foundation
import Logging
import NIOConcurrencyHelpers

/// Executes commands on Gitea exactly once: claim in the ledger (durably) → write to Gitea with the gate key in
/// it → complete the ledger entry. A repeated command is answered from the ledger; an entry left `claimed` by a
/// crash or an unanswered request is reconciled by probing Gitea for the key before anything runs again.
public final class GateExecutor: Sendable {
    public struct Configuration: Sendable {
        /// Identical commands inside this window are answered with the first result (seconds).
        public var duplicateWindow: Int64 = 24 * 3600
        /// Probes look this far before the claim time (seconds), for clock differences with Gitea.
        public var probeMargin: Int64 = 600
        /// After a write whose outcome is unknown (no answer, 5xx), how many more times the command is tried, each
        /// only after a probe proved nothing was written; the waits double from ``retryDelay``.
        public var unknownOutcomeRetries = 2
        public var retryDelay: Duration = .seconds(1)
        /// How long a command waits for its operator's `yes` (seconds; `confirm_ttl_s`).
        public var confirmationTTL: Int64 = 600
        /// How many times a probe lists workflow runs for a dispatch whose answer was lost (the request may still be
        /// going through Gitea), and the wait between listings.
        public var runDiscoveryAttempts = 3
        public var runDiscoveryDelay: Duration = .seconds(1)
        public init() {}
    }

    let ledger: any Ledger
    let forge: any Forge
    let botLogin: String
    let configuration: Configuration
    let logger: Logger
    let now: @Sendable () -> Int64
    /// Idempotency keys this executor is handling right now, from before the claim until the answer. A second
    /// command with the same key waits for the first here, and the reconciler leaves them alone, so a claim of
    /// this process is only ever taken over when nobody in the process works on it (crash leftovers, unknown
    /// outcomes), never underneath a running execution.
    private let handling: NIOLockedValueBox<Set<String>>
    /// Titles of issues seen lately, for answers (``IssueTitles``).
    let titles: NIOLockedValueBox<IssueTitles>
    /// Claims held by running commands, when ``renewRunningClaims()`` renews them.
    let running: RunningClaims
    /// Cuts ``reconcileClaims(every:backingOffTo:)``'s wait short when a command leaves its claim unresolved.
    let reconcileAlarm: SweepAlarm
    /// The forges of the Gitea logins that act for operators (Sudo, or their personal tokens), by lowercased login.
    private let actors: [String: any Forge]
    /// Whether this is the view of one acting login (``acting(_:)``): it acts as `botLogin` and resolves no further.
    private let isActingView: Bool

    /// - Parameters:
    ///   - botLogin: the login of `forge`'s token; probes accept only writes Gitea says this login made.
    ///   - actors: forges acting as other logins, by login: a command whose ``Command/actingUser`` names one is
    ///     executed, and probed for, as that login.
    public init(
        ledger: any Ledger, forge: any Forge, botLogin: String, actors: [String: any Forge] = [:], configuration: Configuration = .init(),
        logger: Logger, now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.ledger = ledger
        self.forge = forge
        self.botLogin = botLogin
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.handling = NIOLockedValueBox([])
        self.titles = NIOLockedValueBox(IssueTitles())
        self.running = RunningClaims()
        self.reconcileAlarm = SweepAlarm()
        self.actors = Dictionary(actors.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.isActingView = false
    }

    /// `base` as `login` acts through `forge`: the same ledger, in-process handling and titles.
    private init(actingAs login: String, forge: any Forge, base: GateExecutor) {
        (self.ledger, self.forge, self.botLogin, self.configuration) = (base.ledger, forge, login, base.configuration)
        (self.logger, self.now, self.handling, self.titles, self.running) = (base.logger, base.now, base.handling, base.titles, base.running)
        self.reconcileAlarm = base.reconcileAlarm
        (self.actors, self.isActingView) = ([:], true)
    }

    /// The executor that acts for `command`: this one for the bot's own account, a view of the acting login's forge
    /// otherwise; `nil` when no forge is configured for that login (nothing may then execute: not even as the bot).
    func acting(_ command: Command) -> GateExecutor? {
        guard !isActingView, let login = command.actingUser, login.caseInsensitiveCompare(botLogin) != .orderedSame else { return self }
        guard let forge = actors[login.lowercased()] else { return nil }
        return GateExecutor(actingAs: login, forge: forge, base: self)
    }

    private func noIdentity(_ command: Command) -> Ack {
        Ack(
            success: false, key: "", action: command.action, repository: command.repository.description, number: command.payload.number,
            message: "no Gitea identity is configured for \(command.actingUser ?? "?") (operators[].gitea_user), so nothing was executed")
    }

    /// The ledger's background upkeep (checkpoints), until the task is cancelled.
    public func maintainLedger() async {
        await ledger.maintain(interval: .milliseconds(200))
    }

    /// Handles one command and says what happened. Never throws: every failure becomes an unsuccessful ``Ack``.
    /// - Parameter visibleRepositories: which repositories' ledger entries `status` may show (the operator's own).
    /// - Parameter confirmFirst: a write is not executed yet: the answer previews it with a code, and `yes CODE` from
    ///   the same source executes it (``CommandPayload/confirm(code:accept:)``).
    /// - Parameter writeSettled: called once a claimed command's outcome on Gitea is known (written, or certainly
    ///   not), before the ledger records it, with the acknowledgement this call then returns: the next command on
    ///   the same target may write from then on, and the caller may build its answer, while this one's completion
    ///   commits. Not called for answers from the ledger, refusals before a claim or reads.
    public func handle(
        _ command: Command, visibleRepositories: @Sendable (String) -> Bool = { _ in true }, confirmFirst: Bool = false,
        writeSettled: (@Sendable (Ack) -> Void)? = nil
    ) async -> Ack {
        guard let executor = acting(command) else { return noIdentity(command) }
        if confirmFirst && command.action.writes { return await executor.requestConfirmation(command) }
        return await executor.handleActing(command, visibleRepositories: visibleRepositories, writeSettled: writeSettled)
    }

    /// ``handle(_:visibleRepositories:confirmFirst:writeSettled:)`` on the executor of the command's acting login.
    private func handleActing(
        _ command: Command, visibleRepositories: @Sendable (String) -> Bool, writeSettled: (@Sendable (Ack) -> Void)? = nil
    ) async -> Ack {
        switch command.payload {
        case .show(let number): return await show(command, number)
        case .status(let prefix): return await status(command, prefix, visible: visibleRepositories)
        case .list(let filter, let pulls): return await list(command, filter, pulls: pulls)
        case .runs(let workflow): return await runs(command, workflow: workflow)
        case .confirm(let code, let accept): return await confirm(command, code: code, accept: accept)
        case .watch, .watching:
            return Ack(
                success: false, key: "", action: .watch, repository: command.repository.description,
                message: "subscriptions are kept by the bot, not the Gate")
        default: break
        }
        let key = IdempotencyKey(command)
        guard begin(key) else {
            return await afterLocalHandling(of: key, command, visibleRepositories: visibleRepositories, writeSettled: writeSettled)
        }
        defer { end(key) }
        let outcome: ClaimOutcome
        let claimStarted = ContinuousClock.now
        do {
            outcome = try await ledger.claim(key: key, command: command, now: now(), window: configuration.duplicateWindow)
            StageTimer.record(GateStage.ledgerClaim, since: claimStarted)
        } catch {
            logger.error("ledger claim failed", metadata: ["key": "\(key.short)", "error": "\(error)"])
            return Ack(
                success: false, key: key.hex, action: command.action, repository: command.repository.description,
                message: "the ledger is unavailable, so nothing was executed: \(error)")
        }
        switch outcome {
        case .claimed(let entry):
            return await execute(entry, command, key: key, claimedAt: claimStarted, writeSettled: writeSettled)
        case .originSeen(let entry) where entry.state == .claimed && ledger.leaseDuration != nil,
            .duplicate(let entry) where entry.state == .claimed && ledger.leaseDuration != nil:
            // Claimed and not finished: wait for its holder, or take it over once its lease ran out.
            return await settle(entry, command, key: key)
        case .originSeen(let entry), .duplicate(let entry):
            return answerFromLedger(entry, command, key: key)
        }
    }

    /// The same command or event claimed and not finished (by another instance or process, or by a crashed one):
    /// wait for its outcome; if its lease runs out first, take the claim over and reconcile it (probe Gitea, then
    /// execute only if nothing was written).
    private func settle(_ claimed: LedgerEntry, _ command: Command, key: IdempotencyKey) async -> Ack {
        let lease = ledger.leaseDuration ?? 30
        let deadline = ContinuousClock.now + .seconds(lease + 10)
        var entry = claimed
        while ContinuousClock.now < deadline && !Task.isCancelled {
            do {
                if try await ledger.takeOver(entry, now: now()) { return await reconcile(entry, command, key: key) }
                try await Task.sleep(for: .milliseconds(500))
                if let current = try await refreshed(entry, key: key) {
                    entry = current
                    if current.state != .claimed { return answerFromLedger(current, command, key: key) }
                }
            } catch {
                break
            }
        }
        return answerFromLedger(entry, command, key: key)
    }

    /// The entry as the ledger holds it now.
    private func refreshed(_ entry: LedgerEntry, key: IdempotencyKey) async throws -> LedgerEntry? {
        if let origin = entry.originEventID, let current = try await ledger.entry(originEventID: origin), current.id == entry.id { return current }
        if let current = try await ledger.latest(key: key), current.id == entry.id { return current }
        return nil
    }

    /// Marks `key` as handled here; `false` when another task of this process already handles it.
    private func begin(_ key: IdempotencyKey) -> Bool { handling.withLockedValue { $0.insert(key.hex).inserted } }
    private func end(_ key: IdempotencyKey) { _ = handling.withLockedValue { $0.remove(key.hex) } }

    /// The same command while another task of this process handles it: wait for that one, then handle this one
    /// (it is then answered from the ledger, or runs if the first one failed without writing).
    private func afterLocalHandling(
        of key: IdempotencyKey, _ command: Command, visibleRepositories: @Sendable (String) -> Bool, writeSettled: (@Sendable (Ack) -> Void)?
    ) async -> Ack {
        while handling.withLockedValue({ $0.contains(key.hex) }) && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await handleActing(command, visibleRepositories: visibleRepositories, writeSettled: writeSettled)
    }

    /// Reconciles claims left behind until cancelled (the bot runs it): a command whose process died, or whose
    /// outcome stayed unknown, is finished without waiting for a restart. Passes come every `interval` while they find
    /// claims to reconcile; while they find none the wait doubles up to `maximum` (``SweepSchedule``), so an idle
    /// bot is not woken every few seconds for nothing. A command of this process that leaves its claim unresolved
    /// brings the wait back to `interval` at once (``SweepAlarm``); claims other processes leave are found within
    /// `maximum` after their lease ran out.
    /// - Parameters:
    ///   - interval: default a third of the ledger's lease, at least 5 s.
    ///   - maximum: the longest wait between passes (never below `interval`).
    public func reconcileClaims(every interval: Duration? = nil, backingOffTo maximum: Duration = .seconds(60)) async {
        let schedule = SweepSchedule(base: interval ?? .seconds(max(5, (ledger.leaseDuration ?? 30) / 3)), maximum: maximum)
        await reconcileAlarm.runPasses(schedule) {
            let acks = await recover()
            if !acks.isEmpty {
                logger.notice(
                    "reconciled commands left claimed",
                    metadata: [
                        "count": "\(acks.count)",
                        "succeeded": "\(acks.filter(\.success).count)"
                    ])
            }
            return !acks.isEmpty
        }
    }

    /// Reconciles every entry left `claimed` that this process may take (its own, not running here, or one whose
    /// lease ran out): probe Gitea for its key; found → done, not found → execute now.
    @discardableResult
    public func recover() async -> [Ack] {
        let entries: [LedgerEntry]
        do { entries = try await ledger.claimedEntries(now: now()) } catch {
            logger.error("cannot read claimed ledger entries", metadata: ["error": "\(error)"])
            return []
        }
        var acks: [Ack] = []
        for entry in entries {
            // Being handled in this process right now: not left behind.
            guard begin(entry.key) else { continue }
            defer { end(entry.key) }
            // Only one process reconciles a claim (its own, or one whose lease ran out).
            do {
                guard try await ledger.takeOver(entry, now: now()) else { continue }
            } catch {
                logger.error("cannot take over a claimed ledger entry", metadata: ["key": "\(entry.key.short)", "error": "\(error)"])
                continue
            }
            guard let command = try? Command.parse(Data(entry.command.utf8), receivedAt: entry.claimedAt) else {
                try? await ledger.fail(id: entry.id, error: "stored command is unreadable", at: now())
                continue
            }
            // Probed for, and executed if need be, as the login that acted for it.
            guard let executor = acting(command) else {
                logger.error("no Gitea identity for a claimed command's acting user", metadata: ["key": "\(entry.key.short)"])
                acks.append(noIdentity(command))
                continue
            }
            acks.append(await executor.reconcile(entry, command, key: entry.key))
        }
        return acks
    }

    // MARK: - Ledger answers

    private func answerFromLedger(_ entry: LedgerEntry, _ command: Command, key: IdempotencyKey) -> Ack {
        switch entry.state {
        case .done:
            var ack =
                entry.result.flatMap(Ack.parse)
                ?? Ack(
                    success: true, key: key.hex, action: command.action,
                    repository: command.repository.description, message: "done")
            ack.priorExecution = true
            return ack
        case .failed:
            return Ack(
                success: false, key: entry.key.hex, action: command.action, repository: command.repository.description,
                number: command.payload.number, message: entry.error ?? "failed earlier", priorExecution: true,
                executedAt: entry.completedAt)
        case .claimed:
            return Ack(
                success: false, key: entry.key.hex, action: command.action, repository: command.repository.description,
                number: command.payload.number,
                message: "the same command is already in progress (claimed at \(entry.claimedAt)); it will not run twice")
        }
    }

    // MARK: - Execution

    /// - Parameter claimedAt: when this process claimed `entry` (before the claim's commit); `nil` for a claim taken
    ///   over or reconciled, whose lease is then confirmed before the write.
    /// - Parameter writeSettled: see ``handle(_:visibleRepositories:confirmFirst:writeSettled:)``.
    private func execute(
        _ entry: LedgerEntry, _ command: Command, key: IdempotencyKey, claimedAt: ContinuousClock.Instant? = nil,
        writeSettled: (@Sendable (Ack) -> Void)? = nil
    ) async -> Ack {
        guard let lease = ledger.leaseDuration else { return await executeHoldingClaim(entry, command, key: key, writeSettled: writeSettled) }
        // The lease must still be ours right before the write (unless just claimed), and is renewed while it runs.
        let held: Bool
        do {
            held =
                LeaseRenewal.mustConfirm(claimAge: claimedAt.map { ContinuousClock.now - $0 }, lease: lease)
                ? try await ledger.renewLease(id: entry.id, now: now()) : true
        } catch {
            return Ack(
                success: false, key: key.hex, action: command.action, repository: command.repository.description,
                number: command.payload.number, message: "the ledger is unavailable, so nothing was executed: \(error)")
        }
        guard held else {
            logger.warning("lease lost before the write; another instance has this command", metadata: ["key": "\(key.short)"])
            return Ack(
                success: false, key: key.hex, action: command.action, repository: command.repository.description,
                number: command.payload.number, message: "another instance took this command over; it will not run twice",
                priorExecution: true)
        }
        if running.areRenewed {
            running.hold(entry)
            let ack = await executeHoldingClaim(entry, command, key: key, writeSettled: writeSettled)
            running.release(entry.id)
            return ack
        }
        return await LeaseRenewal.run(
            every: .seconds(max(1, lease / 3)),
            renew: { try await self.ledger.renewLease(id: entry.id, now: self.now()) },
            lost: { await self.leaseLost(entry) }
        ) {
            await self.executeHoldingClaim(entry, command, key: key, writeSettled: writeSettled)
        }
    }

    /// Renews the leases of the claims this process's running commands hold, every third of the lease, until the
    /// task is cancelled: one loop for all of them (the bot runs it for as long as it executes commands), sleeping
    /// while no command runs. While it runs, commands do not start renewal tasks of their own.
    public func renewRunningClaims() async {
        guard let lease = ledger.leaseDuration else { return }
        let (wakeups, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        running.renewing(bell)
        defer { running.renewing(nil) }
        await withTaskCancellationHandler {
            for await _ in wakeups {
                while !Task.isCancelled && !running.isEmpty {
                    await CancellableSleep.sleep(for: .seconds(max(1, lease / 3)))
                    for entry in running.snapshot() where !Task.isCancelled {
                        // A claim completed meanwhile is no longer renewable, and no loss. A lost one is reported
                        // once and no longer renewed (its command still ends as it would).
                        if (try? await ledger.renewLease(id: entry.id, now: now())) == false, running.contains(entry.id) {
                            running.release(entry.id)
                            await leaseLost(entry)
                        }
                    }
                }
            }
        } onCancel: {
            bell.finish()
        }
    }

    /// A renewal found the entry no longer ours. Completed by this very execution (the renewal raced with the
    /// completion) is no loss; otherwise another instance took it over, which only a stall past the lease explains.
    private func leaseLost(_ entry: LedgerEntry) async {
        if let current = try? await ledger.latest(key: entry.key), current.id == entry.id, current.state != .claimed { return }
        logger.warning("lease lost while the command ran", metadata: ["key": "\(entry.key.short)"])
    }

    private func executeHoldingClaim(
        _ entry: LedgerEntry, _ command: Command, key: IdempotencyKey, writeSettled: (@Sendable (Ack) -> Void)?
    ) async -> Ack {
        await drive(
            ExactlyOnceStateMachine(
                command: command, key: key, mode: .execute, retries: configuration.unknownOutcomeRetries,
                retryDelay: configuration.retryDelay), entry, writeSettled: writeSettled)
    }

    /// A claim left behind (a crash, an unknown outcome, a lapsed lease): probe Gitea, then execute only if
    /// nothing was written.
    private func reconcile(_ entry: LedgerEntry, _ command: Command, key: IdempotencyKey) async -> Ack {
        await drive(
            ExactlyOnceStateMachine(
                command: command, key: key, mode: .reconcile, retries: configuration.unknownOutcomeRetries,
                retryDelay: configuration.retryDelay), entry)
    }

    /// Carries out the protocol's actions for one claimed entry until it answers.
    /// - Parameter writeSettled: called before the outcome is recorded (``handle(_:visibleRepositories:confirmFirst:writeSettled:)``).
    private func drive(
        _ protocolState: ExactlyOnceStateMachine, _ entry: LedgerEntry, writeSettled: (@Sendable (Ack) -> Void)? = nil
    ) async -> Ack {
        var machine = protocolState
        let command = machine.command
        let key = machine.key
        var action = machine.start()
        while true {
            switch action {
            case .call:
                do { action = machine.receive(.called(try await perform(command, key: key, entryID: entry.id)), now: now()) } catch let refusal
                    as GateRefusal
                {
                    action = machine.receive(.refused(refusal.description), now: now())
                } catch let error as GiteaError where error.certainlyNotApplied {
                    action = machine.receive(.refused(error.description), now: now())
                } catch {
                    logger.warning("gitea outcome unknown; probing", metadata: ["key": "\(key.short)", "error": "\(error)"])
                    action = machine.receive(.outcomeUnknown("\(error)"), now: now())
                }
            case .probe:
                do {
                    let found = try await probe(command, key: key, claimedAt: entry.claimedAt, entryID: entry.id)
                    action = machine.receive(.probed(found), now: now(), cancelled: Task.isCancelled)
                } catch {
                    logger.warning("cannot probe Gitea for an earlier execution", metadata: ["key": "\(key.short)", "error": "\(error)"])
                    action = machine.receive(.probeFailed("\(error)"), now: now())
                }
            case .wait(let delay):
                logger.notice("nothing was written; trying again", metadata: ["key": "\(key.short)", "in": "\(delay)"])
                try? await Task.sleep(for: delay)
                action = machine.receive(.waited, now: now())
            case .complete(let ack):
                writeSettled?(ack)
                await complete(entry, ack)
                return ack
            case .fail(let ack):
                writeSettled?(ack)
                await fail(entry, ack)
                return ack
            case .answer(let ack):
                // Unresolved, still claimed: the reconciling sweep takes it from its shortest wait.
                reconcileAlarm.ring()
                return ack
            case .execute:
                return await execute(entry, command, key: key, writeSettled: writeSettled)
            }
        }
    }

    private func complete(_ entry: LedgerEntry, _ ack: Ack) async {
        let ledger = self.ledger
        let result = ack.json
        let time = now()
        let started = ContinuousClock.now
        do {
            try await recordDespiteCancellation { try await ledger.complete(id: entry.id, result: result, at: time) }
            StageTimer.record(GateStage.ledgerComplete, since: started)
        } catch {
            logger.error(
                "ledger completion failed; the entry stays claimed and will be reconciled",
                metadata: ["key": "\(entry.key.short)", "error": "\(error)"])
        }
    }

    /// Records the entry failed (nothing was written to Gitea).
    private func fail(_ entry: LedgerEntry, _ ack: Ack) async {
        let ledger = self.ledger
        let message = ack.message
        let time = now()
        try? await recordDespiteCancellation { try await ledger.fail(id: entry.id, error: message, at: time) }
    }

    /// Runs a ledger write that records a known outcome even when this task is being cancelled (a shutdown cutting
    /// a command off): a cancelled write would leave the entry `claimed`, to be probed on Gitea at the next start,
    /// although its outcome was known. Unless the ledger's writes ignore cancellation anyway
    /// (``Ledger/recordsDespiteCancellation``), the write runs in a task that does not inherit the cancellation and
    /// is awaited here, so it stays bounded by the ledger's own timeouts.
    private func recordDespiteCancellation(_ write: @escaping @Sendable () async throws -> Void) async throws {
        if ledger.recordsDespiteCancellation { return try await write() }
        try await Task { try await write() }.value
    }

    func footer(_ text: String, _ command: Command, _ key: IdempotencyKey) -> String {
        GateFooter.append(to: text, key: key, action: command.action, actor: command.source)
    }

    /// Writes a proof comment; a failure becomes a warning (the main effect already happened).
    func proof(_ repository: Repository, _ number: Int, _ text: String, _ command: Command, _ key: IdempotencyKey) async -> [String] {
        do {
            _ = try await forge.createComment(repository, number, body: footer(text, command, key))
            return []
        } catch {
            return ["the proof comment could not be written (\(error))"]
        }
    }

    func done(
        _ command: Command, _ key: IdempotencyKey, _ message: String, number: Int?, title: String?, url: String?,
        state: AckState?, warnings: [String] = [], prior: Bool = false
    ) -> Ack {
        if let number, let title { titles.withLockedValue { $0.note(command.repository, number, title: title, state: state) } }
        return Ack(
            success: true, key: key.hex, action: command.action, repository: command.repository.description, number: number, title: title,
            url: url, state: state, message: message, priorExecution: prior, executedAt: now(), warnings: warnings)
    }

    private func perform(_ command: Command, key: IdempotencyKey, entryID: Int64) async throws -> Ack {
        let repo = command.repository
        switch command.payload {
        case .createIssue(let title, let body, let labelNames, let assignees):
            return try await createIssue(command, key, title: title, body: body, labelNames: labelNames, assignees: assignees)
        case .addComment(let number, let body):
            // No GET for the title: the answer names it when the Gate saw this issue lately (one request less).
            let known = titles.withLockedValue { $0.entry(repo, number) }
            let comment = try await forge.createComment(repo, number, body: footer(body, command, key))
            return done(command, key, "commented on", number: number, title: known?.title, url: comment.htmlURL, state: known?.state)
        case .closeIssue(let number, let comment):
            return try await setState(command, key: key, number: number, target: .closed, note: comment)
        case .reopenIssue(let number):
            return try await setState(command, key: key, number: number, target: .open, note: nil)
        case .assignIssue(let number, let set, let add, let remove):
            return try await assign(command, key, number: number, set: set, add: add, remove: remove)
        case .labelIssue(let number, let add, let remove):
            return try await label(command, key, number: number, add: add, remove: remove)
        case .mergePR(let number, let style, let headSHA, let deleteBranch):
            return try await merge(command, key, number: number, style: style, headSHA: headSHA, deleteBranch: deleteBranch)
        case .dispatchWorkflow(let workflow, let ref, let inputs):
            return try await dispatch(command, key, entryID: entryID, workflow: workflow, ref: ref, inputs: inputs)
        case .rerunWorkflow(let number, let failedOnly):
            return try await rerun(command, key, entryID: entryID, number: number, failedOnly: failedOnly)
        case .show, .status, .list, .runs, .confirm, .watch, .watching:
            preconditionFailure("read-only actions do not reach perform")
        }
    }
}
