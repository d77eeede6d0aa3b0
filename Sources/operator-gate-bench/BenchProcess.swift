import CLISupport
import Foundation

/// A process a benchmark starts (a relay, a bot): its output goes to a file, its CPU time and memory are read from
/// /proc, and ``stop()`` ends it (SIGTERM, then SIGKILL after 5 s).
final class BenchProcess: @unchecked Sendable {
    let name: String
    let logPath: String
    private let process = Process()
    /// When `run()` returned.
    let started: ContinuousClock.Instant

    init(_ name: String, executable: String, arguments: [String], environment: [String: String] = [:], logPath: String) throws {
        self.name = name
        self.logPath = logPath
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw CLIError("\(name): \(executable) is not an executable file")
        }
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        started = .now
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Everything the process wrote so far.
    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `needle`; fails when the process exits first or `timeout` passes.
    func waitForLog(_ needle: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !log().contains(needle) {
            guard process.isRunning else { throw CLIError("\(name) exited (\(process.terminationStatus)):\n\(log().suffix(2000))") }
            guard ContinuousClock.now < deadline else { throw CLIError("\(name) did not print \"\(needle)\" within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// User plus system CPU time of the whole process (every thread, living or ended) in ms, from /proc/PID/stat;
    /// the kernel counts it in clock ticks (10 ms).
    func cpuMilliseconds() -> Double { Self.cpuMilliseconds(of: "\(pid)") }

    /// ``cpuMilliseconds()`` of the process `/proc/<process>` names (a pid, or `self`).
    static func cpuMilliseconds(of process: String) -> Double {
        guard let stat = procText("/proc/\(process)/stat"), let close = stat.lastIndex(of: ")") else { return 0 }
        // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU time of each thread alive now, in ms by thread id, from its schedstat (nanoseconds): precise enough for an
    /// idle process, where clock ticks are too coarse. Compare two samples with ``cpuMillisecondsByThread(since:)``.
    func threadCPU() -> [String: Double] {
        var sample: [String: Double] = [:]
        for thread in threadIDs() {
            let text = Self.procText("/proc/\(pid)/task/\(thread)/schedstat") ?? ""
            sample[thread] = (Double(text.split(separator: " ").first ?? "") ?? 0) / 1e6
        }
        return sample
    }

    /// The ids of the process's threads alive now (the entries of /proc/PID/task).
    private func threadIDs() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [] }

    /// CPU ms each thread alive now used since `earlier` (a ``threadCPU()`` sample), by thread id; a thread that ended
    /// in between is not counted, one that started counts from zero.
    func cpuMillisecondsByThread(since earlier: [String: Double]) -> [String: Double] {
        threadCPU().reduce(into: [:]) { used, thread in used[thread.key] = max(0, thread.value - (earlier[thread.key] ?? 0)) }
    }

    /// A ``cpuMillisecondsByThread(since:)`` figure summed by thread name (`comm`), over the threads that used any:
    /// which kind of thread (task pool, dispatch, event loop) the time went to.
    func byThreadName(_ used: [String: Double]) -> [String: Double] {
        used.filter { $0.value > 0 }.reduce(into: [:]) { byName, thread in
            let name = Self.procText("/proc/\(pid)/task/\(thread.key)/comm") ?? thread.key
            byName[name.trimmingCharacters(in: .whitespacesAndNewlines), default: 0] += thread.value
        }
    }

    /// Voluntary context switches of the threads alive now, summed (`voluntary_ctxt_switches` of each thread's
    /// status): how often a thread went to sleep, mostly after handing work to another thread.
    func voluntarySwitches() -> Int {
        threadIDs().reduce(0) { total, thread in
            total + (Self.statusField("voluntary_ctxt_switches", of: "\(pid)/task/\(thread)").flatMap { Int($0) } ?? 0)
        }
    }

    /// A memory figure of /proc/PID/status in MB (`VmRSS` now, `VmHWM` the peak).
    func memoryMB(_ field: String) -> Double { Self.memoryMB(field, of: "\(pid)") }

    /// A memory figure of /proc/`process`/status in MB (`self` for this process).
    static func memoryMB(_ field: String, of process: String) -> Double {
        guard let kb = statusField(field, of: process).flatMap({ Double($0) }) else { return 0 }
        return kb / 1024
    }

    /// The first word after `field:` in /proc/`process`/status (`VmRSS:\t  1234 kB` → `1234`), `nil` when the file
    /// or the field is missing; `process` is a pid, `self`, or `PID/task/TID` for one thread.
    static func statusField(_ field: String, of process: String) -> Substring? {
        guard let status = procText("/proc/\(process)/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
        else { return nil }
        return line.dropFirst(field.count + 1).split(whereSeparator: \.isWhitespace).first
    }

    /// Whether the process maps the Swift runtime as a shared library (`libswiftCore.so`), or has it linked in
    /// (`swift build --static-swift-stdlib`); `nil` when its maps cannot be read.
    func mapsSharedSwiftRuntime() -> Bool? {
        Self.procText("/proc/\(pid)/maps")?.contains("/libswiftCore.so")
    }

    /// The text of a /proc file read to its end, `nil` when it cannot be read. /proc files report size 0 and
    /// `String(contentsOfFile:)` stops after its first read: it gave 4,050 of the 10,696 bytes of /proc/self/maps.
    static func procText(_ path: String) -> String? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        guard let data = try? file.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// SIGTERM, then SIGKILL when it is still running after 5 s.
    func stop() async {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(pid, SIGKILL) }
    }

    /// A TCP port on 127.0.0.1 free right now, for a server we start.
    static func freePort() throws -> Int {
        guard let port = FreePort.loopback() else { throw CLIError("cannot bind a socket on 127.0.0.1 to find a free port") }
        return port
    }
}
