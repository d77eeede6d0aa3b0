import Foundation

/// Random text that stresses escaping: controls, quotes, backslashes, line separators, emoji, non-BMP, random scalars.
enum TrickyText {
    static let pieces = [
        "\"", "\\", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}", "\u{1}", "\u{1f}", "\u{7f}", "/", "\u{2028}",
        "\u{2029}", "é", "ü", "€", "🎉", "𝄞", "👩‍💻", "\u{feff}", "close timmy-config#12", " ", "a", "Z", "{", "]"
    ]

    static func make<G: RandomNumberGenerator>(using rng: inout G, maxPieces: Int = 40) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 1...maxPieces, using: &rng) {
            if Bool.random(using: &rng) {
                text += pieces.randomElement(using: &rng)!
            } else {
                var scalar: UnicodeScalar?
                while scalar == nil { scalar = UnicodeScalar(UInt32.random(in: 1...0x10FFFF, using: &rng)) }
                text.unicodeScalars.append(scalar!)
            }
        }
        return text
    }
}
