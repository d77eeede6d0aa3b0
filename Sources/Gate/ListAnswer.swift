/// How list answers fit a phone screen: a heading with the count, at most ten lines, then one `more: N` line;
/// titles shortened, and the whole answer under ``limit`` characters (lines that would pass it are counted in
/// `more` instead).
enum ListAnswer {
    /// The longest answer, in characters (Swift `Character`s), kept under 2,000 with room for the key-less reply.
    static let limit = 1_900
    /// The longest title shown, in UTF-8 bytes (``Swift/String/utf8Prefix(_:)``: titles come from the network).
    static let titleLength = 60

    static func ack(_ command: Command, heading: String, lines: [String], total: Int) -> Ack {
        var kept: [String] = []
        var length = heading.count
        for line in lines {
            guard length + 1 + line.count <= limit - 16 else { break }
            kept.append(line)
            length += 1 + line.count
        }
        let more = total - kept.count
        if more > 0 { kept.append("more: \(more)") }
        return Ack(
            success: true, key: "", action: .list, repository: command.repository.description, message: kept.isEmpty ? heading : heading + ":",
            lines: kept)
    }

    /// `45s`, `12m`, `3h`, `2d` (a negative age, from a clock ahead of ours, reads `0s`).
    static func age(_ seconds: Int64) -> String {
        let seconds = max(0, seconds)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }
}
