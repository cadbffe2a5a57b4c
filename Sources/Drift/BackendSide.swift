import Manifests

/// What one side (git or the cluster) says about a backend in a finding: the port as served and,
/// where it matters, the readiness.
public struct BackendSide: Sendable, Hashable {
    /// `nil` for an EndpointSlice port without a number ("all ports").
    public var port: Int?
    public var `protocol`: String
    public var portName: String
    public var appProtocol: String?
    /// Set for backend findings; `nil` for port-drift, which covers several addresses.
    public var ready: Bool?

    public init(port: Int?, protocol: String, portName: String, appProtocol: String? = nil, ready: Bool? = nil) {
        self.port = port
        self.protocol = `protocol`
        self.portName = portName
        self.appProtocol = appProtocol
        self.ready = ready
    }

    /// The side of one backend.
    public init(_ backend: Backend) {
        self.init(
            port: backend.port, protocol: backend.protocol, portName: backend.portName,
            appProtocol: backend.appProtocol, ready: backend.ready)
    }

    /// `5432/TCP`, `443/TCP (https, appProtocol=h2)`, `all ports/TCP`.
    public var portDescription: String {
        var text = "\(port.map(String.init) ?? "all ports")/\(`protocol`)"
        var extras: [String] = []
        if !portName.isEmpty { extras.append(portName) }
        if let appProtocol { extras.append("appProtocol=\(appProtocol)") }
        if !extras.isEmpty { text += " (\(extras.joined(separator: ", ")))" }
        return text
    }
}
