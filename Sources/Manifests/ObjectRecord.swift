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
    /// The `namespace:` of this kustomization file (it overrides `metadata.namespace`).
    case kustomization(path: String)
    /// `spec.targetNamespace` of a Flux Kustomization (`namespace/name`, defined in `path`).
    case fluxTargetNamespace(kustomization: String, path: String)
    /// `spec.destination.namespace` of an Argo CD Application, for objects that name none.
    case argoDestination(application: String, path: String)
    /// None of these: `--default-namespace`.
    case defaultNamespace

    public var name: String {
        switch self {
        case .metadata: "metadata"
        case .kustomization: "kustomization"
        case .fluxTargetNamespace: "flux-target-namespace"
        case .argoDestination: "argo-destination"
        case .defaultNamespace: "default"
        }
    }

    /// Where the rule was written: a kustomization or the controller object's file.
    public var path: String? {
        switch self {
        case .metadata, .defaultNamespace: nil
        case .kustomization(let path), .fluxTargetNamespace(_, let path), .argoDestination(_, let path): path
        }
    }

    /// `namespace from Flux Kustomization flux-system/proxy (targetNamespace)`.
    public var explanation: String {
        switch self {
        case .metadata: "namespace from metadata.namespace"
        case .kustomization(let path): "namespace from \(path)"
        case .fluxTargetNamespace(let name, let path):
            "namespace from Flux Kustomization \(name) (targetNamespace, \(path))"
        case .argoDestination(let name, let path): "namespace from Argo CD Application \(name) (destination, \(path))"
        case .defaultNamespace: "default namespace"
        }
    }
}

/// How one value of a desired object was decided, when it was not simply written: a Flux variable
/// substituted into it, or a placeholder nothing could fill in.
public struct ValueOrigin: Sendable, Hashable, Codable {
    /// The field, e.g. `subsets[0].addresses[1].ip`.
    public var field: String
    /// Where the value is written (the line of the text with the placeholder).
    public var path: String
    public var line: Int
    /// The text as written, e.g. `${NAS_IP}`.
    public var written: String
    /// The value after substitution; `nil` while a placeholder is left or when the value is secret.
    public var value: String?
    public var variables: [VariableOrigin]

    public init(
        field: String, path: String, line: Int, written: String, value: String?, variables: [VariableOrigin]
    ) {
        self.field = field
        self.path = path
        self.line = line
        self.written = written
        self.value = value
        self.variables = variables
    }

    /// Whether the field holds an endpoint address (`subsets[0].addresses[1].ip`,
    /// `endpoints[2].addresses[0]`): the one place a placeholder can stay while the rest of the
    /// Service is still compared, and the one value `fix` changes in a variable's definition.
    public var isAddress: Bool {
        let parts = field.split(separator: ".")
        if parts.count == 3, parts[0].hasPrefix("subsets["), parts[2] == "ip",
            parts[1].hasPrefix("addresses[") || parts[1].hasPrefix("notReadyAddresses[")
        {
            return true
        }
        return parts.count == 2 && parts[0].hasPrefix("endpoints[") && parts[1].hasPrefix("addresses[")
    }

    /// Whether a placeholder is left in the value.
    public var isUnresolved: Bool { variables.contains { !$0.isResolved } || (value.map(Placeholder.occurs) ?? false) }
}

/// Where one variable's value came from, or why it has none.
public struct VariableOrigin: Sendable, Hashable, Codable {
    /// `NAS_IP`, or an argocd-vault-plugin path.
    public var name: String
    /// `ConfigMap cluster-settings`, `Flux Kustomization flux-system/proxy (substitute)`, `--vars FILE`,
    /// `default in the placeholder`; `nil` when unresolved.
    public var source: String?
    /// `path:line` of the definition in git, when there is one.
    public var location: String?
    /// The value came from a Secret: never printed.
    public var isSecret: Bool
    /// For an unresolved variable: where the controller would take it from, and what to do.
    public var hint: String?

    public init(name: String, source: String?, location: String? = nil, isSecret: Bool = false, hint: String? = nil) {
        self.name = name
        self.source = source
        self.location = location
        self.isSecret = isSecret
        self.hint = hint
    }

    public var isResolved: Bool { source != nil }
}

/// An object on either side with what we know of where it came from.
public struct ObjectRecord: Sendable, Hashable, Codable {
    public var object: KubeObject
    /// With the namespace resolved.
    public var ref: ObjectRef
    /// Desired side only.
    public var source: SourceLocation?
    /// Desired side only.
    public var namespaceRule: NamespaceRule?
    /// Desired side only: how the object was built, e.g. `kustomization overlays/prd/kustomization.yaml`
    /// or `Flux Kustomization flux-system/proxy`; `nil` for a plain manifest.
    public var build: String?
    /// Desired side only: values filled in by variables or left as placeholders.
    public var values: [ValueOrigin]

    public init(
        object: KubeObject, ref: ObjectRef, source: SourceLocation? = nil, namespaceRule: NamespaceRule? = nil,
        build: String? = nil, values: [ValueOrigin] = []
    ) {
        self.object = object
        self.ref = ref
        self.source = source
        self.namespaceRule = namespaceRule
        self.build = build
        self.values = values
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
