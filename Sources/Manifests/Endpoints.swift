/// A `v1` Endpoints object: linked to the Service of the same namespace and name.
public struct Endpoints: Sendable, Hashable, Codable {
    public var metadata: ObjectMeta
    public var subsets: [EndpointSubset]

    public init(metadata: ObjectMeta, subsets: [EndpointSubset] = []) {
        self.metadata = metadata
        self.subsets = subsets
    }

    /// Labelled `endpointslice.kubernetes.io/skip-mirror: "true"`: the control plane makes no slices of it.
    public var skipsMirroring: Bool { metadata.labels[WellKnown.skipMirrorLabel] == "true" }
}

/// One subset: every address in it serves every port in it.
public struct EndpointSubset: Sendable, Hashable, Codable {
    public var addresses: [EndpointAddress]
    public var notReadyAddresses: [EndpointAddress]
    public var ports: [EndpointPort]

    public init(
        addresses: [EndpointAddress] = [], notReadyAddresses: [EndpointAddress] = [], ports: [EndpointPort] = []
    ) {
        self.addresses = addresses
        self.notReadyAddresses = notReadyAddresses
        self.ports = ports
    }
}

/// One address of a subset.
public struct EndpointAddress: Sendable, Hashable, Codable {
    /// As written (the linter checks it; comparisons use `IPAddress.canonicalText`).
    public var ip: String
    public var hostname: String?
    public var nodeName: String?
    /// Line in the manifest where this address is written; `nil` for live objects.
    public var line: Int?

    public init(ip: String, hostname: String? = nil, nodeName: String? = nil, line: Int? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.nodeName = nodeName
        self.line = line
    }
}

/// A port of an Endpoints subset or an EndpointSlice.
public struct EndpointPort: Sendable, Hashable, Codable {
    /// Empty when not written.
    public var name: String
    /// `nil` only in an EndpointSlice port that leaves it out (meaning "all ports").
    public var port: Int?
    /// As written; `nil` means TCP.
    public var `protocol`: String?
    public var appProtocol: String?
    public var line: Int?

    public init(name: String = "", port: Int?, protocol: String? = nil, appProtocol: String? = nil, line: Int? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.appProtocol = appProtocol
        self.line = line
    }

    /// The protocol with the API server's default applied.
    public var effectiveProtocol: String { `protocol` ?? "TCP" }
}
