/// The three kinds of object this tool reads.
public enum ObjectKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case service = "Service"
    case endpoints = "Endpoints"
    case endpointSlice = "EndpointSlice"

    public var apiVersion: String {
        switch self {
        case .service, .endpoints: "v1"
        case .endpointSlice: "discovery.k8s.io/v1"
        }
    }

    public static func < (lhs: ObjectKind, rhs: ObjectKind) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// One object's identity, printed everywhere as `Kind/namespace/name` (as Flux does).
public struct ObjectRef: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var kind: ObjectKind
    public var namespace: String
    public var name: String

    public init(kind: ObjectKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(namespace)/\(name)" }

    public static func < (lhs: ObjectRef, rhs: ObjectRef) -> Bool {
        (lhs.namespace, lhs.name, lhs.kind) < (rhs.namespace, rhs.name, rhs.kind)
    }
}

/// A Service's identity, `namespace/name`: the unit every comparison is made per.
public struct ServiceKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    public static func < (lhs: ServiceKey, rhs: ServiceKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
