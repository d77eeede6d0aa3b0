import Foundation

/// Runs the built `operator-gate` executable (`scripts/test` builds it before the tests).
public enum OperatorGateProcess {
    /// `$OPERATOR_GATE_EXECUTABLE` (`scripts/test --sanitize thread` points it at the ThreadSanitizer build), else
    /// the debug build.
    public static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["OPERATOR_GATE_EXECUTABLE"], !explicit.isEmpty { return explicit }
        return RustNostrPeer.packageRoot.appendingPathComponent(".build/debug/operator-gate").path
    }

    /// The executable's build time must be after the newest file under `Sources`: `swift test` does not rebuild it,
    /// and a stale binary would test old code. Checked once per test process.
    public static func checkCurrent() throws {
        try freshness.get()
    }

    private static let freshness: Result<Void, RustNostrPeer.PeerError> = {
        let files = FileManager.default
        guard let built = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date, files.isExecutableFile(atPath: path) else {
            return .failure(RustNostrPeer.PeerError("\(path) is missing: run scripts/test (it builds the executable first)"))
        }
        let sources = RustNostrPeer.packageRoot.appendingPathComponent("Sources")
        var newest: (Date, String)?
        // The benchmarks are another executable: `operator-gate` is not rebuilt when only they change.
        let notLinked: Set<String> = ["operator-gate-bench", "CSecp256k1Bench"]
        let keys: Set<URLResourceKey> = [.contentModificationDateKey, .isRegularFileKey]
        for case let file as URL in files.enumerator(at: sources, includingPropertiesForKeys: Array(keys)) ?? .init() {
            if !notLinked.isDisjoint(with: file.pathComponents) { continue }
            // Files only: a folder's time changes when a tool (swift format -i) rewrites a file in it unchanged.
            guard let values = try? file.resourceValues(forKeys: keys), values.isRegularFile == true,
                let date = values.contentModificationDate
            else { continue }
            if date > newest?.0 ?? .distantPast { newest = (date, file.path) }
        }
        if let (date, file) = newest, date > built {
            return .failure(
                RustNostrPeer.PeerError("\(path) is older than \(file): run scripts/test, or `swift build --product operator-gate` first"))
        }
        return .success(())
    }()

    /// Starts it with `arguments` (and `environment` added to this process's), writes `stdin` and closes it.
    /// Both outputs are read as they come (a pipe nobody reads stalls the process once 64 KiB are written).
    public static func start(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> (
        process: Process, stdout: PipeDrain, stderr: PipeDrain
    ) {
        try checkCurrent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let drains = (PipeDrain(output), PipeDrain(errors))
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        return (process, drains.0, drains.1)
    }

    /// Waits for it (terminating it after `timeout`) and returns the status and both outputs.
    public static func finish(_ started: (process: Process, stdout: PipeDrain, stderr: PipeDrain), timeout: TimeInterval = 30)
        -> (status: Int32, stdout: String, stderr: String)
    {
        let deadline = Date().addingTimeInterval(timeout)
        while started.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return collect(started)
    }

    /// Terminates it if still running, waits for the exit and reads both outputs.
    private static func collect(_ started: (process: Process, stdout: PipeDrain, stderr: PipeDrain)) -> (
        status: Int32, stdout: String, stderr: String
    ) {
        if started.process.isRunning { started.process.terminate() }
        started.process.waitUntilExit()
        return (
            started.process.terminationStatus, String(decoding: started.stdout.wait(), as: UTF8.self),
            String(decoding: started.stderr.wait(), as: UTF8.self)
        )
    }

    /// Waits without blocking a thread of the concurrency pool. Use this from async tests: an in-process server
    /// (the Gitea simulator) needs those threads to answer the very process being waited for.
    public static func finish(_ started: (process: Process, stdout: PipeDrain, stderr: PipeDrain), timeout: TimeInterval = 30) async
        -> (status: Int32, stdout: String, stderr: String)
    {
        let deadline = Date().addingTimeInterval(timeout)
        while started.process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return collect(started)
    }

    /// Start, then finish, without blocking a pool thread while waiting.
    public static func run(_ arguments: [String], stdin: String = "", environment: [String: String] = [:], timeout: TimeInterval = 30) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        await finish(try start(arguments, stdin: stdin, environment: environment), timeout: timeout)
    }

    /// Start, then finish.
    public static func run(_ arguments: [String], stdin: String = "", timeout: TimeInterval = 30) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        finish(try start(arguments, stdin: stdin), timeout: timeout)
    }

    /// Starts a long-running instance (`run`) with stdout and stderr appended to `logFile` (a pipe nobody reads
    /// would fill and stall it).
    public static func startLogging(_ arguments: [String], logFile: String, environment: [String: String] = [:]) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw RustNostrPeer.PeerError("\(path) is missing: run scripts/test (it builds the executable first)")
        }
        if !FileManager.default.fileExists(atPath: logFile) { FileManager.default.createFile(atPath: logFile, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        try log.seekToEnd()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    /// Waits for a process to exit without blocking a pool thread; `nil` if it is still running after `timeout`.
    public static func exitStatus(_ process: Process, timeout: TimeInterval) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { return nil }
        return process.terminationStatus
    }
}

/// Reads a pipe to its end on a thread of its own; ``wait()`` returns everything read.
public final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    /// Blocks until the writer closed the pipe (the process exited), then returns the bytes.
    public func wait() -> Data {
        done.wait()
        done.signal()
        return data
    }
}
