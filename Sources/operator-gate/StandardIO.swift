import Foundation

/// Reading stdin and writing results.
enum StandardIO {
    /// All of stdin as bytes.
    static func readAll() -> Data { FileHandle.standardInput.readDataToEndOfFile() }

    /// All of stdin as UTF-8 text, exactly (no newline is removed).
    static func readText() throws -> String {
        guard let text = String(validating: readAll(), as: UTF8.self) else { throw CLIError("stdin is not valid UTF-8") }
        return text
    }

    /// Stdin with surrounding whitespace removed (for payloads and JSON).
    static func readTrimmed() throws -> String {
        try readText().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `text` and a newline to stdout.
    /// A closed stdout (`| head`) is not an error worth a crash: the line is dropped.
    static func printLine(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Writes one line to stderr.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `text` to stdout as is.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
