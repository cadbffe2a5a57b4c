import Foundation

/// A webhook receiver (Slack incoming webhook, Mattermost, a relay of one's own) that takes a JSON POST.
public struct Webhook: Sendable {
    /// The whole URL: a Slack (or Mattermost, Teams…) webhook's path is its credential, so it is
    /// held as a `Secret` and made a URL only to send.
    public let url: Secret
    /// `scheme://host[:port]`: what messages show of it.
    public let target: String
    public let credentials: DeliveryCredentials
    public var timeout: Double = 30
    public var userAgent = "endpoint-drift"

    /// Checks the URL (http or https, no user info) without repeating it in the error.
    public init(url: Secret, credentials: DeliveryCredentials) throws(DeliveryError) {
        let parsed = try HTTPDelivery.parse(url.revealText(), option: "--webhook")
        self.url = url
        self.target = HTTPDelivery.redacted(parsed)
        self.credentials = credentials
    }

    public func post(_ json: String) async throws(DeliveryError) {
        let answer = try await HTTPDelivery.send(
            .POST, to: try HTTPDelivery.parse(url.revealText(), option: "--webhook"), body: json,
            contentType: "application/json", credentials: credentials, timeout: timeout,
            operation: "post the notification to", userAgent: userAgent)
        guard (200..<300).contains(answer.status) else {
            // The receiver's answer may echo the request; only its status is shown.
            throw DeliveryError(
                operation: "post the notification to", target: target, message: "the receiver answered \(answer.status)"
            )
        }
    }
}
