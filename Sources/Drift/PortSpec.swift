import Manifests

/// A port as a backend serves it, without the address: what `port-drift` compares.
struct PortSpec: Hashable, Comparable {
    var port: Int?
    var `protocol`: String
    var portName: String
    var appProtocol: String?

    init(_ backend: Backend) {
        port = backend.port
        self.protocol = backend.protocol
        portName = backend.portName
        appProtocol = backend.appProtocol
    }

    /// The same port with no appProtocol, as a placeholder's port is matched.
    init(ignoringAppProtocol backend: Backend) {
        self.init(backend)
        appProtocol = nil
    }

    var side: BackendSide {
        BackendSide(port: port, protocol: `protocol`, portName: portName, appProtocol: appProtocol)
    }

    func key(address: String) -> BackendKey {
        BackendKey(address: address, port: port, protocol: `protocol`, portName: portName)
    }

    /// How alike two ports are, to pair a port that git has with the one the cluster has instead:
    /// the same name counts most (a renumbered port), then the same number (a renamed port).
    func likeness(to other: PortSpec) -> Int {
        var score = 0
        if !portName.isEmpty && portName == other.portName { score += 4 }
        if port == other.port { score += 2 }
        if `protocol` == other.protocol { score += 1 }
        return score
    }

    static func < (lhs: PortSpec, rhs: PortSpec) -> Bool {
        ((lhs.port ?? -1), lhs.protocol, lhs.portName, lhs.appProtocol ?? "")
            < ((rhs.port ?? -1), rhs.protocol, rhs.portName, rhs.appProtocol ?? "")
    }
}
