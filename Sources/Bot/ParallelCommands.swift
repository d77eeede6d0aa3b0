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
        fileprivate let events: AsyncStream<Event<Job>>.Continuation
        fileprivate var places: AsyncStream<Void>.AsyncIterator

        /// Hands `job` over on `target`; waits for a free place first. `false` when the task was cancelled
        /// (nothing was handed over).
        public mutating func submit(_ job: Job, on target: CommandTarget) async -> Bool {
            guard await places.next() != nil, !Task.isCancelled else { return false }
            events.yield(.arrived(job, target))
            return true
        }
    }

    fileprivate enum Event<Job: Sendable>: Sendable {
        case arrived(Job, CommandTarget)
        /// The job's target may take its next job (the job may still be finishing: its answer).
        case released(UInt64)
        /// The job returned: its place is free.
        case ended
        case intakeEnded
    }

    /// Handed to a job: calling it lets the next job on the job's target start while this one finishes what no
    /// longer touches the target (the bot: building and storing the answer once the Gate is done). Called again, or
    /// not at all, it changes nothing more: a job's return releases its target too.
    public struct LaneRelease: Sendable {
        fileprivate let release: @Sendable () -> Void
        public func callAsFunction() { release() }
    }

    /// ``run(width:capacity:intake:execute:)`` for jobs that hold their target until they return.
    public static func run<Job: Sendable>(
        width: Int, capacity: Int, intake: (inout Intake<Job>) async -> Void, execute: @escaping @Sendable (Job) async -> Void
    ) async {
        await run(width: width, capacity: capacity, intake: intake, execute: { job, _ in await execute(job) })
    }

    /// Runs `intake` (in this task) and the commands it hands over (on child tasks) until the intake returned and
    /// every command it handed over finished.
    /// - Parameters:
    ///   - width: commands running at once at most.
    ///   - capacity: commands held at most (running or waiting); at least `width`.
    ///   - execute: runs a job; it may release its target early (``LaneRelease``). A job still finishing after its
    ///     release keeps its place (``Intake/submit(_:on:)``'s capacity) until it returns.
    public static func run<Job: Sendable>(
        width: Int, capacity: Int, intake: (inout Intake<Job>) async -> Void, execute: @escaping @Sendable (Job, LaneRelease) async -> Void
    ) async {
        let (events, sink) = AsyncStream.makeStream(of: Event<Job>.self)
        let (places, placeSink) = AsyncStream.makeStream(of: Void.self)
        for _ in 0..<max(width, capacity) { placeSink.yield() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await schedule(events, width: width, report: sink, freePlace: { placeSink.yield() }, execute: execute)
                placeSink.finish()
            }
            var handle = Intake(events: sink, places: places.makeAsyncIterator())
            await intake(&handle)
            sink.yield(.intakeEnded)
        }
    }

    /// The lanes' loop: applies arrivals and completions to ``CommandLanes`` and starts what it returns.
    private static func schedule<Job: Sendable>(
        _ events: AsyncStream<Event<Job>>, width: Int, report: AsyncStream<Event<Job>>.Continuation,
        freePlace: @escaping @Sendable () -> Void, execute: @escaping @Sendable (Job, LaneRelease) async -> Void
    ) async {
        // Discarding: a command's finished task is freed at once. An ordinary task group keeps every finished child
        // until `next()` collects it, and this loop never does, so the bot held each command it ever ran (about
        // 14 KB each in `bench e2e`; ParallelCommandsMemoryTests).
        await withDiscardingTaskGroup { group in
            var lanes = CommandLanes<UInt64>(width: width)
            var jobs: [UInt64: Job] = [:]
            var nextID: UInt64 = 0
            var intakeEnded = false
            for await event in events {
                let starting: [UInt64]
                switch event {
                case .arrived(let job, let target):
                    jobs[nextID] = job
                    starting = lanes.arrive(nextID, on: target)
                    nextID += 1
                case .released(let id):
                    starting = lanes.finish(id)
                case .ended:
                    freePlace()
                    starting = []
                case .intakeEnded:
                    intakeEnded = true
                    starting = []
                }
                for id in starting {
                    guard let job = jobs.removeValue(forKey: id) else { continue }
                    group.addTask {
                        let released = Atomic<Bool>(false)
                        let release = LaneRelease {
                            if !released.exchange(true, ordering: .relaxed) { report.yield(.released(id)) }
                        }
                        await execute(job, release)
                        release()
                        report.yield(.ended)
                    }
                }
                if intakeEnded && lanes.held == 0 { break }
            }
        }
    }
}
