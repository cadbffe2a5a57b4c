import NIOCore
import NIOHTTP1

/// One complete answer of the API server.
struct APIResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// `Retry-After` in seconds (a number, or an HTTP date).
    var retryAfter: Double? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0 { return seconds }
        return HTTPDate.secondsUntil(value)
    }

    /// The `message` of a `Status` body, when the body is one.
    var statusMessage: String? {
        StatusBody(body)?.message
    }
}
