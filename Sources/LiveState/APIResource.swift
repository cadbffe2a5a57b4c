import Manifests

/// The three resources read from the API server, with their paths and the RBAC rule that allows
/// reading them.
public enum APIResource: String, Sendable, CaseIterable {
    case endpoints
    case endpointSlices
    case services

    public var kind: ObjectKind {
        switch self {
        case .endpoints: .endpoints
        case .endpointSlices: .endpointSlice
        case .services: .service
        }
    }

    /// The API group (`""` is the core group).
    public var group: String { self == .endpointSlices ? "discovery.k8s.io" : "" }

    /// The resource name as RBAC spells it.
    public var plural: String {
        switch self {
        case .endpoints: "endpoints"
        case .endpointSlices: "endpointslices"
        case .services: "services"
        }
    }

    /// `endpointslices.discovery.k8s.io`, `endpoints`: how kubectl names the resource.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The `kind` of the list and the `apiVersion` of its items.
    public var listKind: String { "\(kind.rawValue)List" }

    public func listPath(namespace: String?) -> String {
        let prefix = group.isEmpty ? "/api/v1" : "/apis/\(group)/v1"
        guard let namespace else { return "\(prefix)/\(plural)" }
        return "\(prefix)/namespaces/\(HTTPTransport.percentEncode(namespace))/\(plural)"
    }

    /// The RBAC rule (YAML, indented for a message) that grants `verb` on this resource.
    public func rule(verb: String) -> String {
        """
          - apiGroups: ["\(group)"]
            resources: ["\(plural)"]
            verbs: ["\(verb)"]
        """
    }
}
