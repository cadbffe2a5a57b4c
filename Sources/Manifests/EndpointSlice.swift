/// A `discovery.k8s.io/v1` EndpointSlice: linked to its Service by the `kubernetes.io/service-name` label.
public struct EndpointSlice: Sendable, Hashable, Codable {
    public var metadata: ObjectMeta
    /// `IPv4`, `IPv6` or `FQDN`, as written.
    public var addressType: String
    public var endpoints: [SliceEndpoint]
    /// `nil` when the field is absent: the slice then means "all ports" of the Service.
    public var ports: [EndpointPort]?

    public init(
        metadata: ObjectMeta, addressType: String, endpoints: [SliceEndpoint] = [], ports: [EndpointPort]? = nil
    ) {
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    /// The Service this slice belongs to, from its label.
    public var serviceName: String? { metadata.labels[WellKnown.serviceNameLabel] }
    public var managedBy: String? { metadata.labels[WellKnown.managedByLabel] }
    /// Made by the mirroring controller from an Endpoints object.
    public var isMirrored: Bool { managedBy == WellKnown.mirroringController }
    /// Made by the endpoint slice controller for a Service with a selector.
    public var isControllerManaged: Bool { managedBy == WellKnown.sliceController }
}

/// One endpoint of a slice.
public struct SliceEndpoint: Sendable, Hashable, Codable {
    /// 1 to 100 addresses; consumers use the first.
    public var addresses: [String]
    public var conditions: EndpointConditions
    public var hostname: String?
    public var nodeName: String?
    public var zone: String?
    public var line: Int?

    public init(
        addresses: [String], conditions: EndpointConditions = EndpointConditions(), hostname: String? = nil,
        nodeName: String? = nil, zone: String? = nil, line: Int? = nil
    ) {
        self.addresses = addresses
        self.conditions = conditions
        self.hostname = hostname
        self.nodeName = nodeName
        self.zone = zone
        self.line = line
    }
}

/// Endpoint conditions as written; absent `ready`/`serving` mean true, absent `terminating` false.
public struct EndpointConditions: Sendable, Hashable, Codable {
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?

    public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }

    public var isReady: Bool { ready ?? true }
}
