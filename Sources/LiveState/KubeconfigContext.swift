/// One `contexts[].context` entry: which cluster, which user, which namespace.
public struct KubeconfigContext: Sendable {
    public var name: String
    public var file: String
    public var fieldPath: String
    public var cluster: String
    public var user: String
    public var namespace: String?

    public init(name: String, file: String, fieldPath: String, cluster: String, user: String, namespace: String? = nil)
    {
        self.name = name
        self.file = file
        self.fieldPath = fieldPath
        self.cluster = cluster
        self.user = user
        self.namespace = namespace
    }

    static func parse(_ fields: ConfigFields, name: String) throws(LiveError) -> KubeconfigContext {
        KubeconfigContext(
            name: name, file: fields.file, fieldPath: fields.path, cluster: try fields.string("cluster") ?? "",
            user: try fields.string("user") ?? "", namespace: try fields.string("namespace").flatMap(nonEmpty))
    }
}
