import ArgumentParser
import CLISupport
import Foundation
import NostrCore

/// `operator-gate event sign|verify`.
struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event", abstract: "Sign or verify events.", subcommands: [Sign.self, Verify.self])

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign {\"kind\",\"content\",\"tags\",\"created_at\"?} read on stdin; print the event.")
        @OptionGroup var key: SecretKeyOptions

        struct Input: Decodable {
            let kind: Int
            let content: String
            let tags: [[String]]?
            let createdAt: Int64?
            enum CodingKeys: String, CodingKey {
                case kind, content, tags
                case createdAt = "created_at"
            }
        }

        func run() throws {
            try runTool {
                let keyPair = KeyPair(secretKey: try key.secretKey())
                let input: Input
                do { input = try JSONDecoder().decode(Input.self, from: StandardIO.readAll()) } catch {
                    throw CLIError("stdin must be {\"kind\": int, \"content\": string, \"tags\"?: [[string]], \"created_at\"?: int}")
                }
                guard (0...65535).contains(input.kind) else { throw CLIError("kind \(input.kind) is outside 0...65535") }
                let createdAt = input.createdAt ?? Int64(Date().timeIntervalSince1970)
                guard createdAt >= 0 else { throw CLIError("created_at must not be negative") }
                let event = EventTemplate(kind: input.kind, content: input.content, tags: input.tags ?? [], createdAt: createdAt)
                    .sign(with: keyPair)
                StandardIO.printLine(event.jsonString)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the event on stdin: id and signature. Exit 0 if valid, 1 if not.")

        func run() throws {
            let result: JSONOutput
            var valid = false
            do {
                let event = try Event.parse(StandardIO.readAll())
                try event.verify()
                valid = true
                result = .object([("valid", .bool(true)), ("id", .string(event.id))])
            } catch {
                result = .object([("valid", .bool(false)), ("reason", .string(error.description))])
            }
            StandardIO.printLine(result.text)
            if !valid { throw ExitCode(1) }
        }
    }
}
