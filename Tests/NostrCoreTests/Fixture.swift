import Encoding
import Foundation

@testable import NostrCore

/// Loads files from `Fixtures/` (copies of public vectors; sources in `Fixtures/SOURCES.md`).
enum Fixture {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    static func json(_ name: String) throws -> Any { try JSONSerialization.jsonObject(with: data(name)) }

    static func text(_ name: String) throws -> String { String(decoding: try data(name), as: UTF8.self) }
}

func hex(_ string: String) -> [UInt8] { Hex.decode(string)! }
