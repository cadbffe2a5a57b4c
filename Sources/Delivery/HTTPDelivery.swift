import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request with a body, for pushes and notifications: TLS against the system's trust
/// store, no redirects (a redirect could carry credentials elsewhere), a time limit, and the
/// answer's status and first bytes of body for messages.
public enum HTTPDelivery {
    public struct Answer: Sendable {
        public var status: Int
        /// At most the first 512 bytes, for error messages.
        public var body: String
    }

    public static func send(
        _ method: HTTPMethod, to url: URL, body: String, contentType: String, credentials: DeliveryCredentials,
        timeout: Double, operation: String, userAgent: String
    ) async throws(DeliveryError) -> Answer {
        let target = redacted(url)
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(Int64(min(timeout, 30)))))
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "User-Agent", value: userAgent)
        switch credentials {
        case .none: break
        case .bearer(let token): request.headers.add(name: "Authorization", value: "Bearer " + token.revealText())
        case .basic(let username, let password):
            request.headers.add(
                name: "Authorization",
                value: "Basic " + Data(Array("\(username):".utf8) + password.reveal()).base64EncodedString())
        }
        request.body = .bytes(ByteBuffer(string: body))
        let result: Result<Answer, DeliveryError>
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            var buffer = try await response.body.collect(upTo: 64 * 1024)
            let text = buffer.readString(length: min(buffer.readableBytes, 512)) ?? ""
            result = .success(Answer(status: Int(response.status.code), body: text))
        } catch {
            result = .failure(
                DeliveryError(operation: operation, target: target, message: describe(error, timeout: timeout)))
        }
        try? await client.shutdown()
        return try result.get()
    }

    /// `scheme://host[:port]`: what can be printed of a URL whose path may be a secret.
    public static func redacted(_ url: URL) -> String {
        guard let scheme = url.scheme, let host = url.host else { return "(the URL)" }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// Parses an http or https URL, or says what is wrong with it (without repeating it).
    public static func parse(_ text: String, option: String) throws(DeliveryError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else {
            throw DeliveryError(operation: option, target: "", message: "expected an http:// or https:// URL")
        }
        if url.user != nil || url.password != nil {
            throw DeliveryError(
                operation: option, target: redacted(url),
                message: "put credentials in the environment, not in the URL (they would show in process lists)")
        }
        return url
    }

    private static func describe(_ error: any Error, timeout: Double) -> String {
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout { return "no answer within \(Int(timeout)) s" }
            if client == .connectTimeout { return "could not connect within \(Int(min(timeout, 30))) s" }
            return "\(client)"
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return "could not connect within \(Int(min(timeout, 30))) s"
        }
        if let connect = error as? NIOConnectionError {
            let reasons = connect.connectionErrors.map { reason($0.error) }
            if reasons.isEmpty, let dns = connect.dnsAAAAError ?? connect.dnsAError {
                return "could not connect: DNS lookup failed (\(dns))"
            }
            return "could not connect" + (reasons.isEmpty ? "" : ": " + Set(reasons).sorted().joined(separator: "; "))
        }
        return reason(error)
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return "connection refused" }
        return "\(error)"
    }
}
