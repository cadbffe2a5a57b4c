import Foundation

/// The API server's address: scheme, host, port and an optional path prefix (for servers behind
/// a proxy such as Rancher's `https://rancher.example/k8s/clusters/c-1`).
public struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    /// Without brackets, also for IPv6.
    public var host: String
    public var port: Int
    /// Empty or `/prefix` without a trailing slash.
    public var basePath: String

    public init(scheme: String, host: String, port: Int, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses a kubeconfig `server` value; a value without a scheme means https, as for kubectl.
    public init?(parsing text: String) {
        let withScheme = text.contains("://") ? text : "https://\(text)"
        guard let components = URLComponents(string: withScheme), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", var host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.scheme = scheme
        self.host = host
        port = components.port ?? (scheme == "https" ? 443 : 80)
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
    }

    /// The host as written in a URL (IPv6 in brackets).
    public var urlHost: String { host.contains(":") ? "[\(host)]" : host }

    public var description: String {
        let defaultPort = scheme == "https" ? 443 : 80
        return "\(scheme)://\(urlHost)\(port == defaultPort ? "" : ":\(port)")\(basePath)"
    }
}
