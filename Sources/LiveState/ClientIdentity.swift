/// A TLS client certificate and its key (PEM), and where they were configured.
public struct ClientIdentity: Sendable, Hashable {
    public var certificatePEM: Secret
    public var keyPEM: Secret
    /// `users[0].user.client-certificate-data in /home/me/.kube/config`, an exec plugin…; never the content.
    public var origin: String

    public init(certificatePEM: Secret, keyPEM: Secret, origin: String) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.origin = origin
    }
}
