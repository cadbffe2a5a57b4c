/// A `v1` Service, reduced to what decides whether it is an "external service".
public struct Service: Sendable, Hashable, Codable {
    public var metadata: ObjectMeta
    /// `ClusterIP` when not written.
    public var type: String
    public var externalName: String?
    public var selector: [String: String]
    public var ports: [ServicePort]
    public var clusterIPs: [String]

    public init(
        metadata: ObjectMeta, type: String = "ClusterIP", externalName: String? = nil, selector: [String: String] = [:],
        ports: [ServicePort] = [], clusterIPs: [String] = []
    ) {
        self.metadata = metadata
        self.type = type
        self.externalName = externalName
        self.selector = selector
        self.ports = ports
        self.clusterIPs = clusterIPs
    }

    /// A Service with a selector gets its endpoints from the endpoint controllers, not from git.
    public var hasSelector: Bool { !selector.isEmpty }
    public var isExternalName: Bool { type == "ExternalName" }
    /// Backed by the controllers, not by hand-written objects: a selector (the endpoint controllers
    /// write its Endpoints and slices) or type ExternalName (DNS answers it; nothing backs it).
    public var isControllerBacked: Bool { hasSelector || isExternalName }
}

/// One port of a Service.
public struct ServicePort: Sendable, Hashable, Codable {
    /// Empty when not written (allowed only on single-port Services).
    public var name: String
    public var port: Int
    /// `TCP` when not written.
    public var `protocol`: String
    public var targetPort: String?
    public var appProtocol: String?

    public init(
        name: String = "", port: Int, protocol: String = "TCP", targetPort: String? = nil, appProtocol: String? = nil
    ) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.targetPort = targetPort
        self.appProtocol = appProtocol
    }
}
