/// A ConfigMap or Secret that a Flux Kustomization takes variables from (`substituteFrom`) and that
/// git does not hold readably (absent, or SOPS-encrypted): what `--vars-from-cluster` asks the API
/// server for.
public struct VariableSourceRequest: Sendable, Hashable, Comparable, Codable {
    /// `ConfigMap` or `Secret`.
    public var kind: String
    /// The Flux Kustomization's namespace: Flux reads `substituteFrom` from there.
    public var namespace: String
    public var name: String
    /// `optional: true`: Flux goes on without it.
    public var optional: Bool

    public init(kind: String, namespace: String, name: String, optional: Bool = false) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.optional = optional
    }

    public var isSecret: Bool { kind == "Secret" }

    /// `Secret flux-system/cluster-secrets`.
    public var title: String { "\(kind) \(namespace)/\(name)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.namespace, lhs.kind, lhs.name) < (rhs.namespace, rhs.kind, rhs.name)
    }
}

/// What the cluster answered for one `VariableSourceRequest`. Values from a Secret are secrets:
/// they decide the desired state but are never printed (`VariableOrigin.isSecret`).
public struct ClusterVariableSource: Sendable, Hashable {
    public enum Answer: Sendable, Hashable {
        /// Key → value (a Secret's `data` already decoded from base64).
        case values([String: String])
        /// 404: the object does not exist in the cluster.
        case notFound
        /// Any other failure (403, network): why, for the hint.
        case failed(String)
    }

    public var request: VariableSourceRequest
    public var answer: Answer

    public init(request: VariableSourceRequest, answer: Answer) {
        self.request = request
        self.answer = answer
    }

    public var values: [String: String]? {
        if case .values(let values) = answer { return values }
        return nil
    }
}
