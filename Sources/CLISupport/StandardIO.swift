import Foundation

/// Reading stdin and writing results.
public enum StandardIO {
    /// All of stdin as bytes.
    public static func readAll() -> Data { FileHandle.standardInput.readDataToEndOfFile() }

    /// All of stdin as UTF-8 text, exactly (no newline is removed).
    public static func readText() throws -> String {
        guard let text = String(validating: readAll(), as: UTF8.self) else { throw CLIError("stdin is not valid UTF-8") }
        return text
    }

    /// Stdin with surrounding whitespace removed (for payloads and JSON).
    public static func readTrimmed() throws -> String {
        try readText().trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `text` and a newline to stdout.
    /// A closed stdout (`| head`) is not an error worth a crash: the line is dropped.
    public static func printLine(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Writes one line to stderr.
    public static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `text` to stdout as is.
    public static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
