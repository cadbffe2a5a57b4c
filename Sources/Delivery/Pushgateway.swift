import Foundation
import NIOHTTP1

/// A Prometheus Pushgateway: each cluster's metrics go to the group `job/<job>/cluster/<cluster>`.
public struct Pushgateway: Sendable {
    public let base: URL
    public let job: String
    public let credentials: DeliveryCredentials
    public var timeout: Double = 30
    public var userAgent = "endpoint-drift"

    public init(base: URL, job: String, credentials: DeliveryCredentials) {
        self.base = base
        self.job = job
        self.credentials = credentials
    }

    /// `PUT` replaces the whole group; `POST` replaces only the metrics pushed, keeping the
    /// others (a failed check leaves out `last success`, so the gateway keeps the last one).
    public func push(_ exposition: String, cluster: String, replace: Bool) async throws(DeliveryError) {
        let url = group(cluster)
        let answer = try await HTTPDelivery.send(
            replace ? .PUT : .POST, to: url, body: exposition, contentType: "text/plain; version=0.0.4; charset=utf-8",
            credentials: credentials, timeout: timeout, operation: "push metrics of cluster \(cluster) to",
            userAgent: userAgent)
        guard (200..<300).contains(answer.status) else {
            var message = "the Pushgateway answered \(answer.status)"
            let detail = answer.body.trimmingCharacters(in: .whitespacesAndNewlines)
            if !detail.isEmpty { message += ": \(detail)" }
            if answer.status == 401 || answer.status == 403 {
                message += " (sent \(credentials); set ENDPOINT_DRIFT_PUSHGATEWAY_TOKEN, or _USERNAME and _PASSWORD)"
            }
            throw DeliveryError(
                operation: "push metrics of cluster \(cluster) to", target: HTTPDelivery.redacted(url), message: message
            )
        }
    }

    /// `<base>/metrics/job/<job>/cluster/<cluster>`; names are restricted to characters that need
    /// no escaping in a path (see `ClusterEntry.isValidName`).
    func group(_ cluster: String) -> URL {
        var path = base.absoluteString
        while path.hasSuffix("/") { path.removeLast() }
        return URL(string: "\(path)/metrics/job/\(job)/cluster/\(cluster)") ?? base
    }
}
