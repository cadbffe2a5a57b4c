/// One `clusters[].cluster` entry, with paths already made absolute against its file's folder.
public struct KubeconfigCluster: Sendable {
    public var name: String
    /// The kubeconfig file that defined it, and the field path there (`clusters[1].cluster`).
    public var file: String
    public var fieldPath: String
    public var server: String
    public var certificateAuthority: String?
    /// Already base64-decoded PEM.
    public var certificateAuthorityData: [UInt8]?
    public var tlsServerName: String?
    public var insecureSkipTLSVerify: Bool
    public var proxyURL: String?

    public init(
        name: String, file: String, fieldPath: String, server: String, certificateAuthority: String? = nil,
        certificateAuthorityData: [UInt8]? = nil, tlsServerName: String? = nil, insecureSkipTLSVerify: Bool = false,
        proxyURL: String? = nil
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
        var data: [UInt8]?
        if let text = try fields.string("certificate-authority-data"), !text.isEmpty {
            guard let decoded = Base64.decode(text) else {
                throw fields.error("certificate-authority-data", "is not valid base64")
            }
            data = decoded
        }
        return KubeconfigCluster(
            name: name, file: fields.file, fieldPath: fields.path, server: try fields.string("server") ?? "",
            certificateAuthority: try fields.string("certificate-authority").flatMap {
                $0.isEmpty ? nil : KubeconfigPath.resolve($0, against: folder)
            },
            certificateAuthorityData: data, tlsServerName: try fields.string("tls-server-name").flatMap(nonEmpty),
            insecureSkipTLSVerify: try fields.bool("insecure-skip-tls-verify") ?? false,
            proxyURL: try fields.string("proxy-url").flatMap(nonEmpty))
    }
}
