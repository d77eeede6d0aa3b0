import Foundation
import NIOConcurrencyHelpers

/// Appends every inbound frame to a JSONL file (see ``CapturedFrame``), for debugging and for replay tests.
public final class FrameCapture: Sendable {
    private let handle: NIOLockedValueBox<FileHandle?>
    public let path: String

    /// Opens `path` for appending, creating it if needed.
    public init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try file.seekToEnd()
        self.path = path
        self.handle = NIOLockedValueBox(file)
    }

    /// Records one frame.
    public func record(_ frame: CapturedFrame) {
        let line = Data((frame.jsonLine + "\n").utf8)
        handle.withLockedValue { file in try? file?.write(contentsOf: line) }
    }

    /// Flushes and closes the file.
    public func close() {
        handle.withLockedValue { file in
            try? file?.synchronize()
            try? file?.close()
            file = nil
        }
    }
}
