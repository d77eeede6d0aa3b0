import NIOConcurrencyHelpers
import Synchronization

/// Runs admitted commands on child tasks as ``CommandLanes`` allows: independent targets at once (up to `width`),
/// one target in arrival order. The shell around the lanes; it decides nothing itself.
///
/// The intake hands commands over through ``Intake/submit(_:on:)``, which waits while `capacity` commands are held
/// (running or waiting in a lane), so a burst on one issue cannot grow memory: upstream waits instead (for the bot,
/// relay frames stay in the sockets). When the intake returns, the held commands still run to their end, then
/// ``run(width:capacity:intake:execute:)`` returns. Cancelled, it returns at once; commands not yet started are
/// dropped (the bot's were claimed, so they come back after a restart and are answered from the ledger).
public enum ParallelCommands {
    /// The intake's handle for handing over commands.
    public struct Intake<Job: Sendable>: ~Copyable {
        fileprivate let board: Board<Job>
        fileprivate let events: AsyncStream<Event<Job>>.Continuation
        fileprivate var places: AsyncStream<Void>.AsyncIterator

        /// Hands `job` over on `target`; waits for a free place first. `false` when the task was cancelled
        /// (nothing was handed over).
        public mutating func submit(_ job: Job, on target: CommandTarget) async -> Bool {
            guard await places.next() != nil, !Task.isCancelled else { return false }
            let starting = board.arrive(job, on: target)
            if !starting.isEmpty { events.yield(.start(starting)) }
            return true
        }
    }

    /// What the scheduler is told: only what needs a task to act.
    fileprivate enum Event<Job: Sendable>: Sendable {
        /// Jobs that start now, with their ids.
        case start([(UInt64, Job)])
        /// The intake returned, or (after that) the last held job released its target: look whether all is done.
        case check
    }

    /// The lanes and the jobs not yet started, behind a lock: arrivals and completions change them in the task
    /// that reports them, so that a command's end wakes the scheduler only when it starts another one. A pthread
    /// lock (NIO's), which ThreadSanitizer follows; it did not see the standard library's `Mutex` order these
    /// accesses on Linux.
    fileprivate final class Board<Job: Sendable>: Sendable {
        private struct State {
            var lanes: CommandLanes<UInt64>
            var jobs: [UInt64: Job] = [:]
            var nextID: UInt64 = 0
            var intakeEnded = false
            /// The intake ended and nothing is held any more: the scheduler may stop.
            var done: Bool { intakeEnded && lanes.held == 0 }
        }
        private let state: NIOLockedValueBox<State>

        init(width: Int) { state = NIOLockedValueBox(State(lanes: CommandLanes(width: width))) }

        /// Takes `job` on `target`; returns the jobs that start now.
        func arrive(_ job: Job, on target: CommandTarget) -> [(UInt64, Job)] {
            state.withLockedValue { state in
                let id = state.nextID
                state.nextID += 1
                state.jobs[id] = job
                return Self.take(state.lanes.arrive(id, on: target), from: &state.jobs)
            }
        }

        /// Job `id` released its target; returns the jobs that start now, and whether the intake ended and nothing is
        /// held any more.
        func release(_ id: UInt64) -> (starting: [(UInt64, Job)], done: Bool) {
            state.withLockedValue { state in
                let starting = Self.take(state.lanes.finish(id), from: &state.jobs)
                return (starting, state.done)
            }
        }

        /// Records that the intake ended; returns whether nothing is held any more.
        func endIntake() -> Bool {
            state.withLockedValue { state in
                state.intakeEnded = true
                return state.done
            }
        }

        /// Whether the intake ended and nothing is held any more.
        var done: Bool { state.withLockedValue { $0.done } }

        private static func take(_ ids: [UInt64], from jobs: inout [UInt64: Job]) -> [(UInt64, Job)] {
            ids.compactMap { id in jobs.removeValue(forKey: id).map { (id, $0) } }
        }
    }

    /// Handed to a job: calling it lets the next job on the job's target start while this one finishes what no
    /// longer touches the target (the bot: building and storing the answer once the Gate is done). Called again, or
    /// not at all, it changes nothing more: a job's return releases its target too.
    public struct LaneRelease: Sendable {
        fileprivate let release: @Sendable () -> Void
        public func callAsFunction() { release() }
    }

    /// ``run(width:capacity:intake:execute:)`` for jobs that hold their target until they return.
    @discardableResult
    public static func run<Job: Sendable>(
        width: Int, capacity: Int, intake: (inout Intake<Job>) async -> Void, execute: @escaping @Sendable (Job) async -> Void
    ) async -> Int {
        await run(width: width, capacity: capacity, intake: intake, execute: { job, _ in await execute(job) })
    }

    /// Runs `intake` (in this task) and the commands it hands over (on child tasks) until the intake returned and
    /// every command it handed over finished.
    ///
    /// The lanes change where commands arrive and finish (under a lock); the scheduler, a child task holding the
    /// commands' task group, is woken only to start commands. A command on a free target wakes it once, to start;
    /// its release and its end wake nobody unless another command starts then (each wake is a thread hand-off:
    /// one command at a time, those two cost about two context switches per command, issue #13).
    /// - Parameters:
    ///   - width: commands running at once at most.
    ///   - capacity: commands held at most (running or waiting); at least `width`.
    ///   - execute: runs a job; it may release its target early (``LaneRelease``). A job still finishing after its
    ///     release keeps its place (``Intake/submit(_:on:)``'s capacity) until it returns.
    /// - Returns: how many times the scheduler was woken.
    @discardableResult
    public static func run<Job: Sendable>(
        width: Int, capacity: Int, intake: (inout Intake<Job>) async -> Void, execute: @escaping @Sendable (Job, LaneRelease) async -> Void
    ) async -> Int {
        let (events, sink) = AsyncStream.makeStream(of: Event<Job>.self)
        let (places, placeSink) = AsyncStream.makeStream(of: Void.self)
        for _ in 0..<max(width, capacity) { placeSink.yield() }
        let board = Board<Job>(width: width)
        return await withTaskGroup(of: Int.self) { group in
            group.addTask {
                let wakes = await schedule(events, board: board, report: sink, freePlace: { placeSink.yield() }, execute: execute)
                placeSink.finish()
                return wakes
            }
            var handle = Intake(board: board, events: sink, places: places.makeAsyncIterator())
            await intake(&handle)
            if board.endIntake() { sink.yield(.check) }
            return await group.next() ?? 0
        }
    }

    /// The scheduler's loop: starts the jobs it is told to, until the intake ended and nothing is held; returns how
    /// many events woke it.
    private static func schedule<Job: Sendable>(
        _ events: AsyncStream<Event<Job>>, board: Board<Job>, report: AsyncStream<Event<Job>>.Continuation,
        freePlace: @escaping @Sendable () -> Void, execute: @escaping @Sendable (Job, LaneRelease) async -> Void
    ) async -> Int {
        var wakes = 0
        // Discarding: a command's finished task is freed at once. An ordinary task group keeps every finished child
        // until `next()` collects it, and this loop never does, so the bot held each command it ever ran (about
        // 14 KB each in `bench e2e`; ParallelCommandsMemoryTests).
        await withDiscardingTaskGroup { group in
            for await event in events {
                wakes += 1
                guard case .start(let starting) = event else {
                    if board.done { break }
                    continue
                }
                for (id, job) in starting {
                    group.addTask {
                        let released = Atomic<Bool>(false)
                        let release = LaneRelease {
                            guard !released.exchange(true, ordering: .relaxed) else { return }
                            let (next, done) = board.release(id)
                            if !next.isEmpty { report.yield(.start(next)) }
                            if done { report.yield(.check) }
                        }
                        await execute(job, release)
                        release()
                        freePlace()
                    }
                }
            }
        }
        return wakes
    }
}
