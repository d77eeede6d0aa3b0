import Encoding
import Foundation
import Logging
import NostrCore

/// One JSON object per line on stderr: `{"ts","level","label","message", …metadata}`.
///
/// Metadata values that look like a secret (an `nsec1…` key, or anything under a key containing "token",
/// "secret", "password" or "nsec") are replaced by `"<redacted>"`; the bot never logs secrets on purpose, this
/// is the net under it.
public struct JSONLogHandler: LogHandler {
    let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let output: @Sendable (Data) -> Void

    /// - Parameter output: where each line goes; standard error by default.
    public init(label: String, output: @escaping @Sendable (Data) -> Void = { FileHandle.standardError.write($0) }) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var out: [UInt8] = []
        func member(_ key: String, _ value: String) {
            out.append(out.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            CanonicalJSON.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            CanonicalJSON.appendString(value, to: &out)
        }
        member("ts", RFC3339.utc(Int64(Date().timeIntervalSince1970.rounded(.down))))
        member("level", event.level.rawValue)
        member("label", label)
        member("message", Self.redact(event.message.description))
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            member(key, Self.isSecretKey(key) ? "<redacted>" : Self.redact("\(value)"))
        }
        out.append(contentsOf: Array("}\n".utf8))
        output(Data(out))
    }

    static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["token", "secret", "password", "nsec"].contains { lowered.contains($0) }
    }

    /// Replaces any `nsec1…` bech32 string.
    static func redact(_ text: String) -> String {
        guard text.contains("nsec1") else { return text }
        return text.replacingOccurrences(of: #"nsec1[02-9ac-hj-np-z]+"#, with: "nsec1<redacted>", options: .regularExpression)
    }
}
