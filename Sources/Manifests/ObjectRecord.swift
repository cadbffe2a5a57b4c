/// Where a desired object was read: file, line, document, blob and commit.
public struct SourceLocation: Sendable, Hashable, Codable {
    /// Repository path, slash-separated.
    public var path: String
    /// 1-based line where the object's text starts.
    public var line: Int
    public var column: Int
    /// 0-based index of the YAML document in the file.
    public var documentIndex: Int
    /// Position in a List's `items`, when the object came from one.
    public var itemIndex: Int?
    public var blobID: String
    public var commitID: String

    public init(
        path: String, line: Int, column: Int = 1, documentIndex: Int = 0, itemIndex: Int? = nil, blobID: String = "",
        commitID: String = ""
    ) {
        self.path = path
        self.line = line
        self.column = column
        self.documentIndex = documentIndex
        self.itemIndex = itemIndex
        self.blobID = blobID
        self.commitID = commitID
    }

    /// `path:line`.
    public var shortDescription: String { "\(path):\(line)" }
}

/// Which rule gave a desired object its namespace.
public enum NamespaceRule: Sendable, Hashable, Codable {
    /// `metadata.namespace` in the manifest.
    case metadata
    /// The `namespace:` of this kustomization file.
    case kustomization(path: String)
    /// Neither: `--default-namespace`.
    case defaultNamespace

    public var name: String {
        switch self {
        case .metadata: "metadata"
        case .kustomization: "kustomization"
        case .defaultNamespace: "default"
        }
    }
}

/// An object on either side with what we know of where it came from.
public struct ObjectRecord: Sendable, Hashable {
    public var object: KubeObject
    /// With the namespace resolved.
    public var ref: ObjectRef
    /// Desired side only.
    public var source: SourceLocation?
    /// Desired side only.
    public var namespaceRule: NamespaceRule?

    public init(object: KubeObject, ref: ObjectRef, source: SourceLocation? = nil, namespaceRule: NamespaceRule? = nil)
    {
        self.object = object
        self.ref = ref
        self.source = source
        self.namespaceRule = namespaceRule
    }

    /// A live object, namespaced as the API server returned it.
    public init(live object: KubeObject) {
        self.init(object: object, ref: object.ref())
    }

    /// The Service this record belongs to, if it names one.
    public var serviceKey: ServiceKey? {
        object.serviceName.map { ServiceKey(namespace: ref.namespace, name: $0) }
    }
}
