import Foundation

/// An HTTP CONNECT or SOCKS5 proxy between us and the API server (`proxy-url`, or `HTTPS_PROXY`).
public struct ProxySettings: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case httpConnect
        case socks5
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    public var password: Secret?

    public init(kind: Kind, host: String, port: Int, username: String? = nil, password: Secret? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// Parses `http://[user:pass@]host[:port]` or `socks5://host[:port]`; the error says why not.
    public static func parse(_ text: String) -> Result<ProxySettings, ProxyURLError> {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            return .failure(ProxyURLError(reason: "is not a URL (expected http://host:port or socks5://host:port)"))
        }
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        switch scheme {
        case "http":
            return .success(
                ProxySettings(
                    kind: .httpConnect, host: bareHost, port: components.port ?? 80,
                    username: components.user?.removingPercentEncoding,
                    password: components.password?.removingPercentEncoding.map { Secret($0) }))
        case "socks5", "socks5h":
            guard components.user == nil else {
                return .failure(ProxyURLError(reason: "SOCKS5 proxies with a user name and password are not supported"))
            }
            return .success(ProxySettings(kind: .socks5, host: bareHost, port: components.port ?? 1080))
        case "https":
            return .failure(
                ProxyURLError(
                    reason:
                        "https:// proxies (TLS to the proxy itself) are not supported; use an http:// (CONNECT) or socks5:// proxy"
                ))
        default:
            return .failure(ProxyURLError(reason: "scheme \(scheme) is not supported; use http:// or socks5://"))
        }
    }

    /// The proxy Go's `http.ProxyFromEnvironment` (and so kubectl) would use for `server` when no
    /// `proxy-url` is set: `HTTPS_PROXY`/`HTTP_PROXY` unless `NO_PROXY` matches. Loopback addresses
    /// never go through a proxy.
    public static func fromEnvironment(
        _ variables: [String: String], server: ServerEndpoint
    ) -> Result<ProxySettings, ProxyURLError>? {
        func value(_ name: String) -> String? {
            (variables[name] ?? variables[name.lowercased()]).flatMap { $0.isEmpty ? nil : $0 }
        }
        let host = server.host.lowercased()
        if host == "localhost" || host.hasPrefix("127.") || host == "::1" { return nil }
        guard let proxy = server.scheme == "https" ? value("HTTPS_PROXY") : value("HTTP_PROXY") else { return nil }
        if let noProxy = value("NO_PROXY"), matches(noProxy: noProxy, host: host, port: server.port) { return nil }
        return parse(proxy.contains("://") ? proxy : "http://\(proxy)")
    }

    static func matches(noProxy: String, host: String, port: Int) -> Bool {
        for rawEntry in noProxy.split(separator: ",") {
            var entry = rawEntry.trimmingCharacters(in: .whitespaces).lowercased()
            if entry == "*" { return true }
            if entry.isEmpty { continue }
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]"), entry.filter({ $0 == ":" }).count == 1 {
                guard entry[entry.index(after: colon)...] == String(port) else { continue }
                entry = String(entry[..<colon])
            }
            if entry.hasPrefix("*.") { entry.removeFirst() }
            if entry.contains("/"), cidrContains(entry, host: host) { return true }
            if host == entry || (entry.hasPrefix(".") && host.hasSuffix(entry)) || host.hasSuffix("." + entry) {
                return true
            }
        }
        return false
    }

    private static func cidrContains(_ cidr: String, host: String) -> Bool {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let bits = Int(parts[1]), let network = ipv4(String(parts[0])),
            let address = ipv4(host),
            (0...32).contains(bits)
        else { return false }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - UInt32(bits))
        return network & mask == address & mask
    }

    private static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        return octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}

/// Why a proxy URL cannot be used.
public struct ProxyURLError: Error, Sendable {
    public var reason: String
}
