/// One `users[].user` entry. Secrets are `Secret` values; file paths are absolute.
public struct KubeconfigUser: Sendable {
    public var name: String
    public var file: String
    public var fieldPath: String
    public var token: Secret?
    public var tokenFile: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var clientCertificateData: Secret?
    public var clientKeyData: Secret?
    public var username: String?
    public var password: Secret?
    public var exec: ExecConfig?
    /// The name of a legacy `auth-provider`; refused when used.
    public var authProvider: String?
    /// `as`, `as-groups`, `as-uid`: impersonation.
    public var impersonate: String?
    public var impersonateGroups: [String]
    public var impersonateUID: String?

    public init(name: String, file: String = "", fieldPath: String = "") {
        self.name = name
        self.file = file
        self.fieldPath = fieldPath
        impersonateGroups = []
    }

    static func parse(_ fields: ConfigFields, name: String, folder: String) throws(LiveError) -> KubeconfigUser {
        var user = KubeconfigUser(name: name, file: fields.file, fieldPath: fields.path)
        user.token = try fields.secret("token")
        user.tokenFile = try fields.string("tokenFile").flatMap(nonEmpty).map {
            KubeconfigPath.resolve($0, against: folder)
        }
        user.clientCertificate = try fields.string("client-certificate").flatMap(nonEmpty).map {
            KubeconfigPath.resolve($0, against: folder)
        }
        user.clientKey = try fields.string("client-key").flatMap(nonEmpty).map {
            KubeconfigPath.resolve($0, against: folder)
        }
        user.clientCertificateData = try decoded(fields, "client-certificate-data")
        user.clientKeyData = try decoded(fields, "client-key-data")
        user.username = try fields.string("username").flatMap(nonEmpty)
        user.password = try fields.secret("password")
        if let exec = try fields.object("exec") { user.exec = try ExecConfig.parse(exec, folder: folder) }
        if let provider = try fields.object("auth-provider") {
            user.authProvider = try provider.string("name") ?? "unnamed"
        }
        user.impersonate = try fields.string("as").flatMap(nonEmpty)
        user.impersonateGroups = try fields.strings("as-groups")
        user.impersonateUID = try fields.string("as-uid").flatMap(nonEmpty)
        return user
    }

    private static func decoded(_ fields: ConfigFields, _ key: String) throws(LiveError) -> Secret? {
        guard let text = try fields.secret(key) else { return nil }
        guard let bytes = Base64.decode(text.revealText()) else { throw fields.error(key, "is not valid base64") }
        return Secret(bytes: bytes)
    }
}
