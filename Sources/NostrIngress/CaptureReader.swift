import Foundation

/// Why a capture file could not be replayed.
public struct CaptureError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

/// Reads a JSONL capture written by ``FrameCapture``.
public enum CaptureReader {
    /// All frames in file order. A malformed line is an error naming the line number.
    public static func read(path: String) throws(CaptureError) -> [CapturedFrame] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CaptureError(description: "cannot read capture \(path): \(error.localizedDescription)")
        }
        return try parse(data)
    }

    /// Parses capture bytes.
    public static func parse(_ data: Data) throws(CaptureError) -> [CapturedFrame] {
        let decoder = JSONDecoder()
        var frames: [CapturedFrame] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0d || $0 == 0x09 }) { continue }
            do { frames.append(try decoder.decode(CapturedFrame.self, from: Data(line))) } catch {
                throw CaptureError(description: "capture line \(index + 1) is not {\"relay\",\"received_at\",\"frame\"}")
            }
        }
        return frames
    }
}
