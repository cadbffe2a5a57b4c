/// Everything needed to talk to one API server, resolved from a kubeconfig context or from the
/// pod's service account. Holds secrets only as `Secret` values.
public struct ClusterConnection: Sendable {
    public var server: ServerEndpoint
    /// PEM of the CAs to trust instead of the system's; `nil`: the system's.
    public var certificateAuthorityPEM: Secret?
    /// Where the CA came from, for messages (`clusters[0].cluster.certificate-authority in FILE`).
    public var certificateAuthorityOrigin: String?
    public var insecureSkipTLSVerify: Bool
    /// Verify the server's certificate against this name instead of the server's host.
    public var tlsServerName: String?
    public var clientIdentity: ClientIdentity?
    public var credentials: CredentialSource
    public var proxy: ProxySettings?
    public var impersonation: Impersonation?
    /// `context prod (https://…)` or `in-cluster (https://…)`.
    public var description: String
    /// Who we are, for 401/403 messages: `user "admin" of context "prod"`. Never a credential.
    public var identityDescription: String
    /// The context's (or the pod's) namespace, to suggest `-n` with.
    public var defaultNamespace: String?

    public init(
        server: ServerEndpoint, certificateAuthorityPEM: Secret? = nil, certificateAuthorityOrigin: String? = nil,
        insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil, clientIdentity: ClientIdentity? = nil,
        credentials: CredentialSource = .none, proxy: ProxySettings? = nil, impersonation: Impersonation? = nil,
        description: String, identityDescription: String, defaultNamespace: String? = nil
    ) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.certificateAuthorityOrigin = certificateAuthorityOrigin
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.clientIdentity = clientIdentity
        self.credentials = credentials
        self.proxy = proxy
        self.impersonation = impersonation
        self.description = description
        self.identityDescription = identityDescription
        self.defaultNamespace = defaultNamespace
    }
}
