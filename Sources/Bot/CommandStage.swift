import Gate

/// The bot's steps of a command's way from relay frame to published answer, timed by ``Gate/StageTimer`` (beside
/// the Gate's ``Gate/GateStage`` and its Gitea requests): `operator-gate-bench e2e` reads them from `/metrics`.
public enum CommandStage: String, Sendable, CaseIterable {
    /// From the event's arrival off a relay socket (after parsing) to the start of its verification: the relay
    /// pool's deduplication and the decode stage's queue.
    case intake
    /// Verification and decryption (NIP-04 decrypt, or the NIP-17 unwrap of wrap and seal).
    case prepare
    /// The inbox policy (seen, age, rate, grammar, operator policy) and the message's claim.
    case admit
    /// Waiting for the command's lane: an earlier command on the same target, or all lanes busy.
    case queue
    /// The Gate as a whole: ledger claim, Gitea calls, ledger completion.
    case gate
    /// Building, encrypting and signing the answer, as far as the answer's way waits for it once the Gate returned.
    /// A NIP-17 answer is built from when the outcome on Gitea is known, beside the ledger's completion, and only
    /// what is left of it then is counted here; a NIP-04 answer is built when the outcome is known, inside the
    /// `gate` stage, so nothing is. All of the build counts when the outcome came without a write (reads, answers
    /// from the ledger).
    case replyBuild = "reply_build"
    /// Storing the answer with the message's processed mark (one commit).
    case replyStore = "reply_store"
    /// From the stored answer being queued to a relay accepting it (OK): the publisher's queue and a relay round
    /// trip. An answer a burst left in storage (``ReplyPublisher/maxHeld``) is timed from when it was taken back.
    case publish
}
