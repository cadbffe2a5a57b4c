/// How requests authenticate, besides a client certificate.
public enum CredentialSource: Sendable {
    case none
    /// `Authorization: Bearer`.
    case token(Secret)
    /// A bearer token read from a file, re-read whenever the file changes (service-account tokens
    /// are rotated by the kubelet while a pod runs).
    case tokenFile(path: String, field: String)
    /// `Authorization: Basic`.
    case basic(username: String, password: Secret)
    /// An exec credential plugin; `cluster` is what it gets when `provideClusterInfo` is set.
    case exec(ExecConfig, cluster: ExecClusterInfo)
}

/// The `spec.cluster` an exec plugin receives in `KUBERNETES_EXEC_INFO` with `provideClusterInfo: true`.
public struct ExecClusterInfo: Sendable {
    public var server: String
    public var tlsServerName: String?
    public var insecureSkipTLSVerify: Bool
    public var certificateAuthorityData: Secret?
    /// May hold a password (`http://user:password@proxy:3128`).
    public var proxyURL: Secret?

    public init(
        server: String, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
        certificateAuthorityData: Secret? = nil, proxyURL: Secret? = nil
    ) {
        self.server = server
        self.tlsServerName = tlsServerName
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.certificateAuthorityData = certificateAuthorityData
        self.proxyURL = proxyURL
    }
}
