import Foundation

/// RFC 3339 times (`2026-11-21T12:00:00Z`, with or without fractional seconds).
public enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// Whole seconds, UTC, as `ISO8601DateFormatter` with `.withInternetDateTime` writes them (a
    /// formatter costs milliseconds to make: ICU's calendar and patterns).
    public static func format(_ date: Date) -> String {
        format(seconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// Whole seconds since 1970 as the API server writes a time in JSON (`2026-05-11T01:21:21Z`,
    /// UTC), computed from the calendar rules: a formatter made for each of tens of thousands of
    /// list items would cost more than decoding them.
    static func format(seconds: Int64) -> String {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        // Days since 1970-01-01 to a civil date in the proleptic Gregorian calendar, counted in
        // 400-year eras that start on 1 March (so that the leap day ends a year).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T\(padded(rest / 3_600, 2)):"
            + "\(padded(rest / 60 % 60, 2)):\(padded(rest % 60, 2))Z"
    }
}
