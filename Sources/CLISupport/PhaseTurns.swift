/// Turn-taking between the bots of one `bench e2e` run. Each bot's measurement runs in its own task, with its own
/// relay, simulator and client alive throughout, and goes phase by phase; phase *k* of bot *i* starts only once phase
/// *k* of every bot before it and phase *k − 1* of every bot are done:
///
///     bots 2          turn   bot 0 (operator-gate)      bot 1 (reference)
///     phase 0 setup     0    runs                       waits
///                       1    waits                      runs
///     phase 1 start     2    runs                       waits
///                       3    waits                      runs
///     …
///
/// One bot measured whole after the other compared figures taken a minute apart, and this machine's speed moves
/// within minutes (the reference's NIP-04 p50 moved from 2.1 to 3.1 ms in one hour): in turns, the same figure of
/// both bots is taken seconds apart. While one bot works, the other idles (its process, relay and client wait).
public actor PhaseTurns {
    /// How many bots take turns.
    public let bots: Int
    /// Whose turn it is: phase × bots + bot.
    private var turn = 0
    /// Each bot's next phase.
    private var phases: [Int]
    /// Bots waiting for their turn, by the turn they wait for.
    private var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    /// Turn-taking is over (a bot finished or failed): nobody waits any more.
    private var over = false

    public init(bots: Int) {
        self.bots = max(1, bots)
        phases = Array(repeating: 0, count: self.bots)
    }

    /// Waits until `bot`'s next phase may start.
    public func begin(_ bot: Int) async {
        let mine = phases[bot] * bots + bot
        phases[bot] += 1
        guard !over, turn < mine else { return }
        await withCheckedContinuation { waiting[mine] = $0 }
    }

    /// `bot`'s phase is done: the next turn's bot goes on.
    public func end(_ bot: Int) {
        turn += 1
        waiting.removeValue(forKey: turn)?.resume()
    }

    /// Ends the turn-taking (a bot finished its phases, or failed): waiting bots go on, and nobody waits any more.
    public func finish() {
        over = true
        for continuation in waiting.values { continuation.resume() }
        waiting = [:]
    }
}
