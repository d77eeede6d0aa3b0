/// Which admitted commands may run now: commands on different targets run at once, up to `width`; commands on one
/// target (``CommandTarget``) run one after another in arrival order. A value driven by plain inputs: the shell
/// (``ParallelCommands``) reports arrivals and completions and starts what each call returns.
///
/// Each target has a lane (a queue); only its oldest command runs. When a lane's head cannot start because
/// `width` commands run already, it waits for a place; waiting heads start in the order they became heads.
///
///     width 2, commands a1 a2 on A, b1 on B, c1 on C, in that order
///
///     input         returns   running    waiting in a lane   waiting for a place
///     arrive a1     [a1]      a1         -                   -
///     arrive b1     [b1]      a1 b1      -                   -
///     arrive a2     []        a1 b1      a2 (behind a1)      -
///     arrive c1     []        a1 b1      a2                  c1
///     finish b1     [c1]      a1 c1      a2                  -
///     finish a1     [a2]      c1 a2      -                   -
///     finish c1     []        a2         -                   -
///     finish a2     []        -          -                   -
///
/// The lanes hold every command that arrived and did not finish (``held``); the shell bounds that number by
/// waiting before it hands over another one.
public struct CommandLanes<ID: Hashable & Sendable>: Sendable {
    /// How many commands run at once at most (at least 1).
    public let width: Int
    /// Per target, its commands in arrival order; the first one runs or waits for a place.
    private var lanes: [CommandTarget: [ID]] = [:]
    /// Lane heads waiting for a place, in the order they became heads.
    private var waitingForPlace: [ID] = []
    /// The target of every held command.
    private var targets: [ID: CommandTarget] = [:]
    /// How many commands run now.
    public private(set) var running = 0

    public init(width: Int) {
        self.width = max(1, width)
    }

    /// Commands that arrived and did not finish: running, or waiting.
    public var held: Int { targets.count }

    /// A command arrived on `target`; returns it when it may start now (its lane was empty and a place is free).
    public mutating func arrive(_ id: ID, on target: CommandTarget) -> [ID] {
        precondition(targets[id] == nil, "command arrived twice")
        targets[id] = target
        lanes[target, default: []].append(id)
        guard lanes[target]?.count == 1 else { return [] }
        waitingForPlace.append(id)
        return startable()
    }

    /// A running command finished; returns the commands that start now (the next one of its lane, or the oldest
    /// lane head waiting for a place).
    public mutating func finish(_ id: ID) -> [ID] {
        guard let target = targets.removeValue(forKey: id) else { preconditionFailure("finished a command that was not held") }
        running -= 1
        var lane = lanes.removeValue(forKey: target) ?? []
        precondition(lane.first == id, "a command finished before the one ahead of it on its target")
        lane.removeFirst()
        if let next = lane.first {
            lanes[target] = lane
            waitingForPlace.append(next)
        }
        return startable()
    }

    /// Lane heads that take the free places, oldest first.
    private mutating func startable() -> [ID] {
        let count = min(width - running, waitingForPlace.count)
        guard count > 0 else { return [] }
        let starting = Array(waitingForPlace.prefix(count))
        waitingForPlace.removeFirst(count)
        running += count
        return starting
    }
}
