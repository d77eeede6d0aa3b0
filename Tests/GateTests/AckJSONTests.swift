import Foundation
import Gate
import Testing

/// ``Ack/json`` is written by hand: it must give the bytes `JSONEncoder` (sorted keys, slashes unescaped) gave for
/// the same answer, which the ledgers hold from before, and read back to the same answer.
@Suite struct AckJSONTests {
    /// What the ledger stored before the hand-written writer.
    static func encoderJSON(_ ack: Ack) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(ack), as: UTF8.self)
    }

    static let texts = [
        "", "done", "commented on", "a \"quoted\" \\ back/slash", "line\nbreak\ttab\r\u{8}\u{c}", "ctl \u{0}\u{1f}\u{7f}",
        "ünïcödé “typographic” 🚀 \u{2028}\u{2029}", "https://forge.example/ops/tc/issues/1#issuecomment-7"
    ]

    static func acks() -> [Ack] {
        var generator = SystemRandomNumberGenerator()
        var acks: [Ack] = [
            Ack(success: false, key: "", action: .status, repository: "ops/tc", message: ""),
            Ack(
                success: true, key: String(repeating: "ab", count: 32), action: .mergePR, repository: "ops/tc", number: 7, title: "T",
                url: "http://127.0.0.1:3000/ops/tc/pulls/7", state: .merged, message: "merged", priorExecution: true,
                executedAt: -5, warnings: ["a", "b"], lines: [])
        ]
        for _ in 0..<300 {
            func text() -> String { texts.randomElement(using: &generator)! }
            func maybe<T>(_ value: T) -> T? { Bool.random(using: &generator) ? value : nil }
            acks.append(
                Ack(
                    success: .random(using: &generator), key: text(), action: GateAction.allCases.randomElement(using: &generator)!,
                    repository: text(), number: maybe(Int.random(in: Int.min...Int.max, using: &generator)), title: maybe(text()),
                    url: maybe(text()), state: maybe([AckState.open, .closed, .merged, .scheduled, .claimed, .done, .failed].randomElement()!),
                    message: text(), priorExecution: .random(using: &generator),
                    executedAt: maybe(Int64.random(in: Int64.min...Int64.max, using: &generator)),
                    warnings: (0..<Int.random(in: 0...3, using: &generator)).map { _ in text() },
                    lines: maybe((0..<Int.random(in: 0...3, using: &generator)).map { _ in text() })))
        }
        return acks
    }

    @Test func sameBytesAsTheEncoderAndReadBack() throws {
        for ack in Self.acks() {
            #expect(ack.json == (try Self.encoderJSON(ack)))
            #expect(Ack.parse(ack.json) == ack)
        }
    }
}
