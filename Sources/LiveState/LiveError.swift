/// The live state could not be read: which verb on which resource in which namespace, and what to do.
public struct LiveError: Error, Sendable, CustomStringConvertible {
    /// Coarse cause; new cases may be added.
    public enum Kind: Sendable, Hashable {
        case configuration
        case unauthorized
        case forbidden
        case network
        case server
        case invalidResponse
        case snapshotFile
    }

    public var kind: Kind
    /// `list`, `get`, `read`, `load kubeconfig`…
    public var operation: String
    /// `endpointslices.discovery.k8s.io`, a file path, a kubeconfig field.
    public var resource: String
    public var namespace: String?
    public var message: String

    public init(kind: Kind, operation: String, resource: String, namespace: String? = nil, message: String) {
        self.kind = kind
        self.operation = operation
        self.resource = resource
        self.namespace = namespace
        self.message = message
    }

    public var description: String {
        var subject = "\(operation) \(resource)"
        if let namespace { subject += " in namespace \(namespace)" }
        return "\(subject): \(message)"
    }
}
