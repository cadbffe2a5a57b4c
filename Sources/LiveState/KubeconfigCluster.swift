/// One `clusters[].cluster` entry, with paths already made absolute against its file's folder.
public struct KubeconfigCluster: Sendable {
    public var name: String
    /// The kubeconfig file that defined it, and the field path there (`clusters[1].cluster`).
    public var file: String
    public var fieldPath: String
    public var server: String
    public var certificateAuthority: String?
    /// Already base64-decoded PEM.
    public var certificateAuthorityData: Secret?
    public var tlsServerName: String?
    public var insecureSkipTLSVerify: Bool
    /// May hold a password (`http://user:password@proxy:3128`).
    public var proxyURL: Secret?

    public init(
        name: String, file: String, fieldPath: String, server: String, certificateAuthority: String? = nil,
        certificateAuthorityData: Secret? = nil, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
        proxyURL: Secret? = nil
    ) {
        self.name = name
        self.file = file
        self.fieldPath = fieldPath
        self.server = server
        self.certificateAuthority = certificateAuthority
        self.certificateAuthorityData = certificateAuthorityData
        self.tlsServerName = tlsServerName
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.proxyURL = proxyURL
    }

    static func parse(_ fields: ConfigFields, name: String, folder: String) throws(LiveError) -> KubeconfigCluster {
        var data: Secret?
        if let text = try fields.secret("certificate-authority-data") {
            guard let decoded = Base64.decode(text.revealText()) else {
                throw fields.error("certificate-authority-data", "is not valid base64")
            }
            data = Secret(bytes: decoded)
        }
        return KubeconfigCluster(
            name: name, file: fields.file, fieldPath: fields.path, server: try fields.string("server") ?? "",
            certificateAuthority: try fields.string("certificate-authority").flatMap {
                $0.isEmpty ? nil : KubeconfigPath.resolve($0, against: folder)
            },
            certificateAuthorityData: data, tlsServerName: try fields.string("tls-server-name").flatMap(nonEmpty),
            insecureSkipTLSVerify: try fields.bool("insecure-skip-tls-verify") ?? false,
            proxyURL: try fields.secret("proxy-url"))
    }
}
