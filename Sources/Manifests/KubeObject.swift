/// One of the three objects this tool reads, desired or live.
///
/// `indirect`: the object is held in a box, so copying a record (into an inventory, a comparison,
/// an index: a check copies each live record several times) retains the box once instead of
/// every string, map and array of the object; a copy changed is boxed anew.
public indirect enum KubeObject: Sendable, Hashable, Codable {
    case service(Service)
    case endpoints(Endpoints)
    case endpointSlice(EndpointSlice)

    public var kind: ObjectKind {
        switch self {
        case .service: .service
        case .endpoints: .endpoints
        case .endpointSlice: .endpointSlice
        }
    }

    public var metadata: ObjectMeta {
        get {
            switch self {
            case .service(let object): object.metadata
            case .endpoints(let object): object.metadata
            case .endpointSlice(let object): object.metadata
            }
        }
        set {
            switch self {
            case .service(var object):
                object.metadata = newValue
                self = .service(object)
            case .endpoints(var object):
                object.metadata = newValue
                self = .endpoints(object)
            case .endpointSlice(var object):
                object.metadata = newValue
                self = .endpointSlice(object)
            }
        }
    }

    /// The ref, with `defaultNamespace` where the object names none.
    public func ref(defaultNamespace: String = "default") -> ObjectRef {
        ObjectRef(kind: kind, namespace: metadata.namespace ?? defaultNamespace, name: metadata.name)
    }

    /// The Service this object backs or is: its own name for Services and Endpoints, the
    /// `kubernetes.io/service-name` label for slices (`nil` when the label is missing).
    public var serviceName: String? {
        switch self {
        case .service(let object): object.metadata.name
        case .endpoints(let object): object.metadata.name
        case .endpointSlice(let object): object.serviceName
        }
    }
}
