import Foundation

/// `Retry-After` may be an HTTP date (RFC 9110 IMF-fixdate).
enum HTTPDate {
    static func secondsUntil(_ text: String, now: Date = Date()) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
