import Foundation
import NostrCore

/// rust-nostr (PyPI `nostr-sdk`) driven through `Tests/peers/nostr_peer.py`, one JSON line per call.
///
/// The interpreter is `$OPERATOR_GATE_TEST_PYTHON`, else `.venv/bin/python` at the package root, which
/// `scripts/test` creates. Without it the cross-check tests fail with a message saying so.
public final class RustNostrPeer: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var pythonPath: String? {
        if let explicit = ProcessInfo.processInfo.environment["OPERATOR_GATE_TEST_PYTHON"], !explicit.isEmpty { return explicit }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    public init() throws {
        guard let python = Self.pythonPath else {
            throw PeerError("no Python with nostr-sdk: run scripts/test (it creates .venv) or set OPERATOR_GATE_TEST_PYTHON")
        }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.packageRoot.appendingPathComponent("Tests/peers/nostr_peer.py").path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    public struct PeerError: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// One answer line. Decoded with `JSONDecoder`: Foundation's `JSONSerialization` on Linux drops U+FEFF
    /// from strings, which silently corrupted event contents here before.
    public struct Answer: Decodable, Sendable {
        public let ok: Bool
        public let error: String?
        public let event: String?
        public let valid: Bool?
        public let id: String?
        public let pubkey: String?
        public let npub: String?
        public let nsec: String?
        public let payload: String?
        public let text: String?
        public let sender: String?
        public let kind: Int?
        public let content: String?
        public let createdAt: Int?
        public let rumorID: String?
        public let eventID: String?
        public let output: String?
        public let messages: [Message]?
        /// `client_send_many`: the ids of the events sent, in order.
        public let eventIDs: [String]?

        /// `client_fetch_events`: the events rust-nostr fetched, decoded strictly by NostrCore.
        public let events: [Event]?
        /// `client_publish`, `client_send_gossip`: the relays that accepted the event, and those that did not (why).
        public let success: [String]?
        public let failed: [String: String]?

        /// One DM as rust-nostr decrypted it (`client_fetch`).
        public struct Message: Decodable, Sendable, Equatable {
            public let scheme: String
            public let from: String
            public let text: String
            public let id: String
        }

        enum CodingKeys: String, CodingKey {
            case ok, error, event, valid, id, pubkey, npub, nsec, payload, text, sender, kind, content
            case createdAt = "created_at"
            case rumorID = "rumor_id"
            case eventID = "event_id"
            case eventIDs = "event_ids"
            case output, messages, events, success, failed
        }
    }

    /// Sends one request and returns the answer; throws if the peer reported an error.
    @discardableResult
    public func call(_ request: [String: Any]) throws -> Answer {
        let answer = try callAllowingFailure(request)
        guard answer.ok else { throw PeerError("rust-nostr refused \(request["op"]!): \(answer.error ?? "?")") }
        return answer
    }

    /// Sends one request and returns the answer, `{"ok": false, "error": …}` included.
    public func callAllowingFailure(_ request: [String: Any]) throws -> Answer {
        var line = try JSONSerialization.data(withJSONObject: request)
        line.append(0x0a)
        try input.fileHandleForWriting.write(contentsOf: line)
        while true {
            if let newline = buffer.firstIndex(of: 0x0a) {
                let answerLine = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return try JSONDecoder().decode(Answer.self, from: answerLine)
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw PeerError("rust-nostr peer exited (status \(process.isRunning ? -1 : process.terminationStatus))") }
            buffer.append(chunk)
        }
    }
}
