import TestSupport
import Testing

@testable import Bot

/// `commandSplit` cuts ASCII texts on bytes and everything else on Characters: the pieces must be those of the
/// Character split, whichever path a text takes.
@Suite struct CommandSplitTests {
    /// Pieces texts are made of: ASCII words and separators, a CR (the one ASCII cluster of two scalars: CR LF),
    /// a combining accent that joins the space before it into one Character, and letters beyond ASCII.
    static let pieces = ["show", "#12", " ", "  ", "\n", "\n\n", "\r", "\r\n", "\u{301}", "é", "ü\u{308}", "🙂", "a", "x/y!7"]

    static func texts(count: Int) -> [String] {
        var generator = SeededGenerator(state: 0x5eed)
        return (0..<count).map { _ in
            let length = Int(generator.next() % 9)
            return (0..<length).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
    }

    @Test(arguments: [" ", "\n"] as [Unicode.Scalar])
    func piecesAreTheCharacterSplits(_ separator: Unicode.Scalar) {
        for text in Self.texts(count: 4_000) {
            for (maxSplits, omitting) in [(Int.max, true), (Int.max, false), (1, true)] {
                let fast = text.commandSplit(separator, maxSplits: maxSplits, omittingEmptySubsequences: omitting)
                let characters = text.split(separator: Character(separator), maxSplits: maxSplits, omittingEmptySubsequences: omitting)
                #expect(fast == characters, "\(text.debugDescription) split on \(separator.escaped(asASCII: true))")
            }
        }
    }

    @Test func aSpaceTheNextScalarCombinesWithIsNotASeparator() {
        // " \u{301}" is one Character: a split of Characters does not cut there, and neither does commandSplit.
        #expect("close \u{301}#12".commandSplit(" ") == ["close \u{301}#12"])
        #expect("close #12 now".commandSplit(" ") == ["close", "#12", "now"])
        #expect("a\r\nb".commandSplit("\n") == ["a\r\nb"])
    }
}
