import Manifests

/// One port of an Endpoints subset or an EndpointSlice as the fix writes it: name, number, protocol
/// (with the API server's TCP default applied) and appProtocol.
public struct PortSpec: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var name: String
    /// `nil` only for a slice port without a number ("all ports").
    public var port: Int?
    public var `protocol`: String
    public var appProtocol: String?

    public init(name: String = "", port: Int?, protocol: String = "TCP", appProtocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.appProtocol = appProtocol
    }

    init(_ port: EndpointPort) {
        self.init(name: port.name, port: port.port, protocol: port.effectiveProtocol, appProtocol: port.appProtocol)
    }

    init(_ backend: Backend) {
        self.init(
            name: backend.portName, port: backend.port, protocol: backend.protocol, appProtocol: backend.appProtocol)
    }

    /// What the backend key holds of a port (appProtocol is an attribute, not identity).
    var identity: PortIdentity { PortIdentity(name: name, port: port, protocol: `protocol`) }

    /// `5432/TCP (postgres)`.
    public var description: String {
        var text = port.map { "\($0)/\(`protocol`)" } ?? "all ports"
        if !name.isEmpty { text += " (\(name))" }
        if let appProtocol { text += " [\(appProtocol)]" }
        return text
    }

    public static func < (lhs: PortSpec, rhs: PortSpec) -> Bool {
        ((lhs.port ?? -1), lhs.protocol, lhs.name, lhs.appProtocol ?? "")
            < ((rhs.port ?? -1), rhs.protocol, rhs.name, rhs.appProtocol ?? "")
    }
}

/// The part of a port that is in a `BackendKey`.
struct PortIdentity: Sendable, Hashable {
    var name: String
    var port: Int?
    var `protocol`: String

    init(name: String, port: Int?, protocol: String) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
    }

    init(_ key: BackendKey) {
        self.init(name: key.portName, port: key.port, protocol: key.protocol)
    }

    func key(address: String) -> BackendKey {
        BackendKey(address: address, port: port, protocol: `protocol`, portName: name)
    }
}
