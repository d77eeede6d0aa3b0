extension String {
    /// At most `maxBytes` bytes of UTF-8 from the start, cut at a Unicode scalar boundary (never inside a
    /// character's encoding), with `…` appended when something was cut.
    ///
    /// For text that comes from the network and goes into logs, errors and metrics: `prefix(_:)` counts grapheme
    /// clusters, and one cluster can carry hundreds of thousands of combining marks, so only bytes bound memory.
    public func utf8Prefix(_ maxBytes: Int) -> String {
        guard utf8.count > maxBytes else { return self }
        var end = utf8.startIndex
        var used = 0
        for scalar in unicodeScalars {
            let width = UTF8.width(scalar)
            guard used + width <= maxBytes else { break }
            used += width
            end = utf8.index(end, offsetBy: width)
        }
        return String(self[..<end]) + "…"
    }
}
