extension RFC3339 {
    /// RFC 9110's IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form of HTTP's `Date` header, by the same
    /// arithmetic as ``utc(_:)``: the bot's HTTP endpoints stamp each response with it instead of running
    /// Hummingbird's once-a-second date timer (issue #13: that timer formatted a date through ICU every second and
    /// was most of the idle bot's CPU).
    public static func httpDate(_ seconds: Int64) -> String {
        let (days, secondOfDay) = floorDivision(min(max(seconds, range.lowerBound), range.upperBound), 86_400)
        let (year, month, day) = civil(fromDays: days)
        // 1970-01-01 was a Thursday.
        let (_, weekday) = floorDivision(days + 4, 7)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var out = Array("\(weekdays[Int(weekday)]), ".utf8)
        out.reserveCapacity(29)
        append(day, digits: 2, to: &out)
        out += Array(" \(months[Int(month) - 1]) ".utf8)
        append(year, digits: 4, to: &out)
        out.append(UInt8(ascii: " "))
        appendClock(secondOfDay, to: &out)
        out += Array(" GMT".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
