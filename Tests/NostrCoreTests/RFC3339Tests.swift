import Foundation
import Testing

@testable import Encoding

/// The arithmetic RFC 3339 timestamps against Foundation's formatter, which they replace in the log handler and
/// in Gitea's `since` parameter.
@Suite struct RFC3339Tests {
    @Test func aWorkedTable() {
        let table: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00Z"), (-1, "1969-12-31T23:59:59Z"), (951_782_400, "2000-02-29T00:00:00Z"),
            (1_796_247_263, "2026-12-02T21:34:23Z"), (4_107_542_399, "2100-02-28T23:59:59Z"), (4_107_542_400, "2100-03-01T00:00:00Z"),
            (-62_167_219_200, "0000-01-01T00:00:00Z"), (253_402_300_799, "9999-12-31T23:59:59Z"),
            (.max, "9999-12-31T23:59:59Z"), (.min, "0000-01-01T00:00:00Z")
        ]
        for (seconds, text) in table { #expect(RFC3339.utc(seconds) == text, "\(seconds)") }
    }

    @Test func agreesWithFoundationOnRandomTimes() {
        let formatter = ISO8601DateFormatter()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)  // 1900 to 2100
            #expect(RFC3339.utc(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
    }

    /// HTTP's `Date` form: RFC 9110's own example, the ends of the range, and Foundation's formatter on random times.
    @Test func httpDatesAreIMFFixdate() {
        #expect(RFC3339.httpDate(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(RFC3339.httpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(RFC3339.httpDate(-1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(RFC3339.httpDate(.min) == "Sat, 01 Jan 0000 00:00:00 GMT")
        #expect(RFC3339.httpDate(.max) == "Fri, 31 Dec 9999 23:59:59 GMT")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_208_988_800...4_102_444_800, using: &generator)
            #expect(RFC3339.httpDate(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
    }

    /// Reading Gitea's times back: every formatted time round-trips, zones and fractions are honoured, and anything
    /// else (Go's zero time parses, as year 1) is nil rather than a trap.
    @Test func parsesWhatItWritesAndGiteasVariants() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -62_167_219_200...253_402_300_799, using: &generator)
            #expect(RFC3339.seconds(RFC3339.utc(seconds)) == seconds, "\(seconds)")
        }
        #expect(RFC3339.seconds("2026-12-02T22:34:23+01:00") == 1_796_247_263)
        #expect(RFC3339.seconds("2026-12-02T21:34:23.123456Z") == 1_796_247_263)
        #expect(RFC3339.seconds("2026-12-02T16:34:23-05:00") == 1_796_247_263)
        #expect(RFC3339.seconds("0001-01-01T00:00:00Z") == -62_135_596_800)
        for bad in [
            "", "2026-12-02", "2026-13-02T00:00:00Z", "2026-12-02T24:00:00Z", "2026-12-02T21:34:23", "2026-12-02T21:34:23+0100",
            "２０２６-12-02T21:34:23Z", "2026-12-02T21:34:23Zjunk", String(repeating: "9", count: 200)
        ] {
            #expect(RFC3339.seconds(bad) == nil, "\(bad)")
        }
    }
}
