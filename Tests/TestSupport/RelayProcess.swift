import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real relay process on 127.0.0.1, started from the test venv: rust-nostr's LocalRelay or PyPI nostr-relay.
/// It can be killed (SIGKILL) and started again on the same port with the same data.
public final class RelayProcess: @unchecked Sendable {
    public enum Kind: Sendable {
        /// rust-nostr LocalRelay (in memory); `nip42`: "read", "write" or "both" to require AUTH; `unlimited` lifts
        /// its rate limit of 60 notes per minute per connection (for bursts).
        case localRelay(nip42: String? = nil, unlimited: Bool = false)
        /// PyPI nostr-relay 1.14 with SQLite storage (survives restarts).
        case nostrRelay(maxEventSize: Int = 65536)
    }

    public let kind: Kind
    public private(set) var port: Int
    public var url: String { "ws://127.0.0.1:\(port)" }
    private let dataDirectory: URL
    private var process: Process?
    private var stdinPipe: Pipe?
    private let lock = NSLock()

    public init(_ kind: Kind) throws {
        self.kind = kind
        self.port = try FreePort.find()
        self.dataDirectory = ScratchDirectory.root.appendingPathComponent("og-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    /// Starts the relay and waits until it accepts TCP connections (up to 30 s). If the port was taken in the
    /// meantime (tests run in parallel), the process dies at once; a first start then retries on a new port.
    public func start() throws {
        for attempt in 1...3 {
            do {
                try launch()
                return
            } catch let error as PortTaken {
                guard attempt < 3, process == nil, !everStarted else { throw RustNostrPeer.PeerError(error.description) }
                port = try FreePort.find()
            }
        }
    }

    private struct PortTaken: Error, CustomStringConvertible {
        let description: String
    }

    private var everStarted = false

    private func launch() throws {
        guard let python = RustNostrPeer.pythonPath else {
            throw RustNostrPeer.PeerError("no Python with the test peers: run scripts/test or set OPERATOR_GATE_TEST_PYTHON")
        }
        let peers = RustNostrPeer.packageRoot.appendingPathComponent("Tests/peers")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        switch kind {
        case .localRelay(let nip42, let unlimited):
            process.arguments =
                [peers.appendingPathComponent("local_relay.py").path, "\(port)"] + (nip42.map { ["--nip42", $0] } ?? [])
                + (unlimited ? ["--unlimited"] : [])
        case .nostrRelay(let maxEventSize):
            process.arguments = [
                peers.appendingPathComponent("nostr_relay_server.py").path, "\(port)", dataDirectory.path,
                "--max-event-size", "\(maxEventSize)"
            ]
        }
        let input = Pipe()
        process.standardInput = input
        let log = dataDirectory.appendingPathComponent("relay.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        lock.withLock {
            self.process = process
            self.stdinPipe = input
        }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if FreePort.accepts(port) {
                // Someone else may own the port: ours must still be running a moment later.
                Thread.sleep(forTimeInterval: 0.3)
                if process.isRunning {
                    everStarted = true
                    return
                }
                break
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        lock.withLock {
            self.process = nil
            self.stdinPipe = nil
        }
        if process.isRunning { process.terminate() }
        throw PortTaken(description: "relay on port \(port) did not start: \(output.suffix(2000))")
    }

    /// SIGKILL, and wait for the process to go.
    public func kill() {
        let (process, input) = lock.withLock { (self.process, self.stdinPipe) }
        guard let process else { return }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? input?.fileHandleForWriting.close()
        lock.withLock {
            self.process = nil
            self.stdinPipe = nil
        }
        // Give the kernel a moment to release the port.
        let deadline = Date().addingTimeInterval(5)
        while FreePort.accepts(port) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }

    /// Kill then start again on the same port with the same data.
    public func restart() throws {
        kill()
        try start()
    }
}

/// Loopback port helpers.
public enum FreePort {
    /// A TCP port on 127.0.0.1 that was free a moment ago, chosen below Linux's ephemeral range (32768+).
    ///
    /// A relay process takes seconds to bind the port it is given; an ephemeral port could meanwhile be handed to
    /// another test's port-0 listener (the fault relays), and the relay test would then talk to the wrong server.
    public static func find() throws -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: 20_000..<32_000)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw RustNostrPeer.PeerError("socket() failed") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(candidate).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if bound == 0 { return candidate }
        }
        throw RustNostrPeer.PeerError("no free port found in 20000..<32000")
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
