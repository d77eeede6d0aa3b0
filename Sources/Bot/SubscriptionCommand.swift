import Gate

/// `watch`, `unwatch` and `watching`: an operator's subscriptions to webhook notices, kept in the inbox's database
/// (``InboxStore``), only for repositories the operator may act on (the policy checked it, and checks `watch`).
enum SubscriptionCommand {
    /// Carries out the command for `op` and says what they now watch.
    static func run(_ command: Command, by op: Operator, store: any NoticeStore) async -> Ack {
        let repo = command.repository.normalized
        func answer(_ success: Bool, _ message: String, _ lines: [String] = []) -> Ack {
            Ack(success: success, key: "", action: .watch, repository: command.repository.description, message: message, lines: lines)
        }
        do {
            switch command.payload {
            case .watch(let names, let enable):
                let kinds = names.compactMap(WatchKind.init(rawValue:))
                try await store.setSubscription(operator: op.publicKey.hex, repo: repo, kinds: kinds, watch: enable)
                let now = try await store.subscriptions(operator: op.publicKey.hex)[repo] ?? []
                let listed = WatchKind.allCases.filter(now.contains).map(\.rawValue).joined(separator: ", ")
                return answer(true, now.isEmpty ? "✓ Not watching \(repo) any more." : "✓ Watching \(repo): \(listed).")
            case .watching:
                let all = try await store.subscriptions(operator: op.publicKey.hex)
                guard !all.isEmpty else { return answer(true, "You watch nothing. Try: watch owner/name issues pulls comments") }
                return answer(
                    true, "You watch:",
                    all.keys.sorted().map {
                        "\($0): " + WatchKind.allCases.filter(all[$0, default: []].contains).map(\.rawValue).joined(separator: ", ")
                    })
            default:
                return answer(false, "not a subscription command")
            }
        } catch {
            return answer(false, "✗ the bot's database is unavailable; nothing changed: \(error)")
        }
    }
}
