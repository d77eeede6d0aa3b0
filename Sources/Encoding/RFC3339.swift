/// RFC 3339 timestamps in UTC (`2026-12-02T17:14:23Z`), from Unix seconds by arithmetic: no formatter object, no
/// locale, no allocation beyond the string (the JSON log handler writes one per line; `ISO8601DateFormatter()`
/// per line was about a tenth of the bot's CPU under load, issue #13).
///
/// Days to a civil date by Howard Hinnant's `civil_from_days` (proleptic Gregorian). Times outside the years
/// 0000–9999 are clamped to that range's ends, so no arithmetic can overflow whatever the input.
public enum RFC3339 {
    /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let range: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    public static func utc(_ seconds: Int64) -> String {
        let (days, secondOfDay) = floorDivision(min(max(seconds, range.lowerBound), range.upperBound), 86_400)
        let (year, month, day) = civil(fromDays: days)
        var out = [UInt8]()
        out.reserveCapacity(20)
        append(year, digits: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append(month, digits: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        append(day, digits: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendClock(secondOfDay, to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `(quotient, remainder)` rounded toward negative infinity, so times before 1970 fall on the right day.
    static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// Year, month (1–12) and day (1–31) of `days` since 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let (era, _) = floorDivision(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Writes `hh:mm:ss` of a second of the day (0..<86,400).
    static func appendClock(_ secondOfDay: Int64, to out: inout [UInt8]) {
        append(secondOfDay / 3600, digits: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(secondOfDay / 60 % 60, digits: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(secondOfDay % 60, digits: 2, to: &out)
    }

    /// Writes `value` in exactly `digits` decimal digits, zero-padded (values are non-negative and fit).
    static func append(_ value: Int64, digits: Int, to out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
