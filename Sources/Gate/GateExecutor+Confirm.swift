import Encoding
import Foundation

/// Confirmation codes: a command on an operator's `confirm` list is previewed (read from Gitea) and stored with a
/// code instead of executed; `yes CODE` from the same source executes it once, unless its target changed since the
/// preview; `no CODE` drops it. ``ConfirmationRule`` decides; this carries the decision out.
extension GateExecutor {
    /// Previews `command` and stores it waiting for its operator's `yes`; the answer is the preview with the code.
    func requestConfirmation(_ command: Command) async -> Ack {
        let preview: (text: String, snapshot: TargetSnapshot, command: Command)
        do { preview = try await self.preview(command) } catch {
            return Ack(
                success: false, key: "", action: command.action, repository: command.repository.description, number: command.payload.number,
                message: "\(error)")
        }
        let time = now()
        let minutes = max(1, configuration.confirmationTTL / 60)
        for attempt in 0..<12 {
            let code = ConfirmationCode.generate(length: attempt < 8 ? ConfirmationCode.length : ConfirmationCode.length + 1)
            let pending = PendingConfirmation(
                code: code, source: command.source, command: preview.command.jsonString, snapshot: preview.snapshot.json, createdAt: time,
                expiresAt: time + configuration.confirmationTTL)
            do {
                guard try await ledger.insertConfirmation(pending, now: time) else { continue }
            } catch {
                return confirmationAnswer(command, success: false, "the ledger is unavailable, so nothing was stored or executed: \(error)")
            }
            return confirmationAnswer(
                command, success: true, "Confirm: \(preview.text) — reply \"yes \(code)\" within \(minutes) min (\"no \(code)\" cancels).")
        }
        return confirmationAnswer(command, success: false, "no free confirmation code was found; nothing was executed. Send the command again.")
    }

    /// `yes CODE` (`accept`) or `no CODE` from `command`'s source.
    func confirm(_ command: Command, code raw: String, accept: Bool) async -> Ack {
        guard let code = ConfirmationCode.normalize(raw) else {
            return confirmationAnswer(command, success: false, "\"\(raw)\" is not a confirmation code (4 or more letters and digits)")
        }
        let found: PendingConfirmation?
        do { found = try await ledger.confirmation(code: code) } catch {
            return confirmationAnswer(command, success: false, "the ledger is unavailable, so nothing was executed: \(error)")
        }
        let decision = ConfirmationRule.decide(found, source: command.source, accept: accept, now: now())
        guard let found, decision != .unknown, let stored = try? Command.parse(Data(found.command.utf8), receivedAt: found.createdAt) else {
            return confirmationAnswer(command, success: false, "no command is waiting for your confirmation with code \(code)")
        }
        switch decision {
        case .unknown:
            return confirmationAnswer(command, success: false, "no command is waiting for your confirmation with code \(code)")
        case .expired:
            return confirmationAnswer(
                command, success: false, "code \(code) expired; \(describe(stored)) was not executed. Send the command again for a new code.")
        case .alreadyDeclined:
            return confirmationAnswer(command, success: false, "code \(code) was declined; \(describe(stored)) was not executed")
        case .alreadyStale:
            return confirmationAnswer(command, success: false, "code \(code) was cancelled because the target changed; nothing was executed")
        case .repeatResult:
            return await handle(stored)
        case .decline:
            do {
                // Not pending any more: settled by another answer first (the state has changed, so this ends).
                guard try await ledger.settleConfirmation(code: code, to: .declined, at: now()) else {
                    return await confirm(command, code: raw, accept: accept)
                }
            } catch {
                return confirmationAnswer(command, success: false, "the ledger is unavailable, so the code is still open: \(error)")
            }
            return confirmationAnswer(command, success: true, "Cancelled: \(describe(stored)) was not executed.")
        case .execute:
            return await execute(confirmed: stored, found, code: code, command: command)
        }
    }

    /// The first `yes`: the target must look as it did at the preview; then the stored command goes to the Gate,
    /// once (it carries the original DM's origin, so a second `yes` is answered from the ledger).
    private func execute(confirmed stored: Command, _ found: PendingConfirmation, code: String, command: Command) async -> Ack {
        do {
            let current = try await snapshot(stored)
            if let change = current.change(since: TargetSnapshot.parse(found.snapshot)) {
                // Settled by another `yes` first (its merge is the change seen here): answer as it does.
                guard try await ledger.settleConfirmation(code: code, to: .stale, at: now()) else {
                    return await confirm(command, code: code, accept: true)
                }
                return confirmationAnswer(
                    command, success: false, "\(describe(stored)) was not executed: \(change). Send the command again to see it as it is now.")
            }
            guard try await ledger.settleConfirmation(code: code, to: .confirmed, at: now()) else {
                // Another `yes` (here or on another instance) settled it first: answer as it does.
                return await confirm(command, code: code, accept: true)
            }
        } catch {
            return confirmationAnswer(command, success: false, "nothing was executed: \(error). Reply \"yes \(code)\" again to retry.")
        }
        return await handle(stored)
    }

    func confirmationAnswer(_ command: Command, success: Bool, _ message: String) -> Ack {
        Ack(success: success, key: "", action: command.action, repository: command.repository.description, message: message, lines: [])
    }

    /// What the command would do, in words: "merge ops/tc!7", "close ops/tc#12".
    func describe(_ command: Command) -> String {
        let repo = command.repository
        switch command.payload {
        case .mergePR(let number, let style, _, _): return "merge \(repo)!\(number) (\(style.rawValue))"
        case .createIssue(let title, _, _, _): return "open an issue in \(repo) “\(title.utf8Prefix(ListAnswer.titleLength))”"
        case .addComment(let number, _): return "comment on \(repo)#\(number)"
        case .closeIssue(let number, _): return "close \(repo)#\(number)"
        case .reopenIssue(let number): return "reopen \(repo)#\(number)"
        case .assignIssue(let number, _, _, _): return "assign \(repo)#\(number)"
        case .labelIssue(let number, _, _): return "label \(repo)#\(number)"
        case .dispatchWorkflow(let workflow, let ref, _): return "run \(workflow) on \(ref ?? "the default branch") in \(repo)"
        case .rerunWorkflow(let run, let failedOnly): return "rerun \(failedOnly ? "the failed jobs of " : "")run #\(run) in \(repo)"
        case .show, .status, .list, .runs, .confirm, .watch, .watching: return command.action.rawValue
        }
    }

    /// The preview's words, what the target looks like now, and the command as it will run (a merge pinned to the
    /// head shown, which Gitea then checks).
    func preview(_ command: Command) async throws -> (text: String, snapshot: TargetSnapshot, command: Command) {
        let repo = command.repository
        switch command.payload {
        case .mergePR(let number, let style, let headSHA, let deleteBranch):
            let pull = try await pullRequest(repo, number)
            guard !pull.merged else { throw GateRefusal.alreadyMerged(number) }
            guard pull.state == IssueState.open.rawValue else { throw GateRefusal.pullRequestClosed(number) }
            if let headSHA, !pull.head.sha.lowercased().hasPrefix(headSHA.lowercased()) {
                throw GateRefusal.headMoved(expected: headSHA, actual: pull.head.sha)
            }
            var details = ["head \(pull.head.sha.prefix(7))", pull.mergeable ? "mergeable" : "not mergeable yet"]
            if let files = pull.changedFiles {
                details.append("\(files) file\(files == 1 ? "" : "s") +\(pull.additions ?? 0) −\(pull.deletions ?? 0)")
            }
            let pinned = command.with(payload: .mergePR(pr: number, style: style, headSHA: headSHA ?? pull.head.sha, deleteBranch: deleteBranch))
            return (
                "merge \(repo)!\(number) “\(pull.title)” (\(details.joined(separator: ", "))) with \(style.rawValue)",
                TargetSnapshot(state: pull.state, merged: pull.merged, head: pull.head.sha), pinned
            )
        default:
            let current = try await snapshot(command)
            var text = describe(command)
            if let number = command.payload.number, let title = titles.withLockedValue({ $0.entry(repo, number) })?.title {
                text += " “\(title)”"
            }
            if let state = current.state { text += " (\(current.merged == true ? "merged" : state))" }
            return (text, current, command)
        }
    }

    /// What the command's target looks like now: a pull request's state, merged flag and head, or an issue's state.
    func snapshot(_ command: Command) async throws -> TargetSnapshot {
        let repo = command.repository
        if case .mergePR(let number, _, _, _) = command.payload {
            let pull = try await pullRequest(repo, number)
            return TargetSnapshot(state: pull.state, merged: pull.merged, head: pull.head.sha)
        }
        guard let number = command.payload.number else { return TargetSnapshot() }
        let issue = try await forge.issue(repo, number)
        titles.withLockedValue { $0.note(repo, number, title: issue.title, state: AckState(gitea: issue.state)) }
        return TargetSnapshot(state: issue.state, merged: issue.pullRequest?.merged)
    }
}
