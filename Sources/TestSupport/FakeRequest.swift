import Foundation

/// A request the fake server received.
public struct FakeRequest: Sendable {
    public var method: String
    /// Path and query as sent.
    public var uri: String
    public var path: String
    public var query: String?
    public var headers: [(name: String, value: String)]
    /// Whether the client presented a certificate the server verified against its CA.
    public var presentedClientCertificate: Bool
    /// How it authenticated: `token`, `basic`, `certificate`, `anonymous`; nil when refused.
    public var authenticatedAs: String?

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// A query parameter, percent-decoded.
    public func parameter(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first.map(String.init) == name {
                return parts.count > 1 ? String(parts[1]).removingPercentEncoding : ""
            }
        }
        return nil
    }
}
