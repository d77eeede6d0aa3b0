import Foundation
import Testing

/// rust-nostr (PyPI `nostr-sdk`) driven through `Tests/peers/nostr_peer.py`, one JSON line per call.
///
/// The interpreter is `$OPERATOR_GATE_TEST_PYTHON`, else `.venv/bin/python` at the package root, which
/// `scripts/test` creates. Without it the cross-check tests fail with a message saying so.
final class RustNostrPeer {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var pythonPath: String? {
        if let explicit = ProcessInfo.processInfo.environment["OPERATOR_GATE_TEST_PYTHON"], !explicit.isEmpty { return explicit }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    init() throws {
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

    struct PeerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// One answer line. Decoded with `JSONDecoder`: Foundation's `JSONSerialization` on Linux drops U+FEFF
    /// from strings, which silently corrupted event contents here before.
    struct Answer: Decodable {
        let ok: Bool
        let error: String?
        let event: String?
        let valid: Bool?
        let id: String?
        let pubkey: String?
        let npub: String?
        let nsec: String?
        let payload: String?
        let text: String?
        let sender: String?
        let kind: Int?
        let content: String?
        let createdAt: Int?
        let rumorID: String?

        enum CodingKeys: String, CodingKey {
            case ok, error, event, valid, id, pubkey, npub, nsec, payload, text, sender, kind, content
            case createdAt = "created_at"
            case rumorID = "rumor_id"
        }
    }

    /// Sends one request and returns the answer; throws if the peer reported an error.
    @discardableResult
    func call(_ request: [String: Any]) throws -> Answer {
        let answer = try callAllowingFailure(request)
        guard answer.ok else { throw PeerError("rust-nostr refused \(request["op"]!): \(answer.error ?? "?")") }
        return answer
    }

    /// Sends one request and returns the answer, `{"ok": false, "error": …}` included.
    func callAllowingFailure(_ request: [String: Any]) throws -> Answer {
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

/// Random text that stresses escaping: controls, quotes, backslashes, line separators, emoji, non-BMP, random scalars.
enum TrickyText {
    static let pieces = ["\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}", "\u{1}", "\u{1f}", "\u{7f}", "/", "\u{2028}",
                         "\u{2029}", "é", "ü", "€", "🎉", "𝄞", "👩‍💻", "\u{feff}", "close timmy-config#12", " ", "a", "Z", "{", "]"]

    static func make<G: RandomNumberGenerator>(using rng: inout G, maxPieces: Int = 40) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 1...maxPieces, using: &rng) {
            if Bool.random(using: &rng) {
                text += pieces.randomElement(using: &rng)!
            } else {
                var scalar: UnicodeScalar?
                while scalar == nil { scalar = UnicodeScalar(UInt32.random(in: 1...0x10FFFF, using: &rng)) }
                text.unicodeScalars.append(scalar!)
            }
        }
        return text
    }
}
