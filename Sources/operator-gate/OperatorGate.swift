import ArgumentParser

/// `operator-gate`: run a Gitea forge from Nostr direct messages, plus the Nostr tools used to debug a deployment.
@main
struct OperatorGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator-gate",
        abstract: "Run a Gitea forge from Nostr direct messages; Nostr tools for debugging a deployment.",
        discussion: """
            KEY and PUBKEY accept 64 hex characters or NIP-19 (nsec / npub, nprofile). Tool commands print JSON on \
            stdout; on error they print one line on stderr and exit non-zero.
            """,
        subcommands: [
            KeyCommand.self, EventCommand.self, EncryptCommand.self, DecryptCommand.self,
            WrapCommand.self, UnwrapCommand.self, DMCommand.self, GateCommand.self, LedgerCommand.self, RunCommand.self, DemoCommand.self,
            DoctorCommand.self, ReplayCommand.self, WebhookCommand.self
        ]
    )
}
