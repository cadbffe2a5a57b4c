import Foundation

/// RFC 3339 times in UTC, whole seconds: what reports, metrics files and the state file print.
enum RFC3339Time {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
