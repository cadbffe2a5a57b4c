import NIOCore
import NIOHTTP1

/// One complete answer of the API server.
struct APIResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// `Retry-After` in seconds (digits, or an HTTP date), at most `maximumRetryAfter`: the header
    /// comes from the server (or a proxy), and `99999999999999999999999`, `inf` or `nan` must not
    /// become a wait of ages or a trap.
    var retryAfter: Double? { Self.retryAfter(headers.first(name: "Retry-After")) }

    /// A day: longer than any retry budget, so such a wait is never made.
    static let maximumRetryAfter = 86_400.0

    static func retryAfter(_ header: String?) -> Double? {
        guard let value = header?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            // RFC 9110 delay-seconds: digits only. Past a day's worth it is clamped, not parsed.
            guard value.utf8.count <= 6, let seconds = Double(value) else { return maximumRetryAfter }
            return min(seconds, maximumRetryAfter)
        }
        return HTTPDate.secondsUntil(value).map { min($0, maximumRetryAfter) }
    }

    /// The `message` of a `Status` body, when the body is one.
    var statusMessage: String? {
        StatusBody(body)?.message
    }
}
