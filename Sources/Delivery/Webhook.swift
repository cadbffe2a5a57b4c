import Foundation

/// A webhook receiver (Slack incoming webhook, Mattermost, a relay of one's own) that takes a JSON POST.
public struct Webhook: Sendable {
    public let url: URL
    public let credentials: DeliveryCredentials
    public var timeout: Double = 30
    public var userAgent = "endpoint-drift"

    public init(url: URL, credentials: DeliveryCredentials) {
        self.url = url
        self.credentials = credentials
    }

    public func post(_ json: String) async throws(DeliveryError) {
        let answer = try await HTTPDelivery.send(
            .POST, to: url, body: json, contentType: "application/json", credentials: credentials, timeout: timeout,
            operation: "post the notification to", userAgent: userAgent)
        guard (200..<300).contains(answer.status) else {
            // The receiver's answer may echo the request; only its status is shown.
            throw DeliveryError(
                operation: "post the notification to", target: HTTPDelivery.redacted(url),
                message: "the receiver answered \(answer.status)")
        }
    }
}
