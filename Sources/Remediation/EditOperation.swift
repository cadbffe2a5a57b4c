import Manifests

/// Where a desired object is written: file, YAML document, List item. The editor finds the object's
/// node again from this and checks that kind and name still match.
public struct ObjectLocation: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var documentIndex: Int
    public var itemIndex: Int?
    public var line: Int
    public var ref: ObjectRef

    public init(path: String, documentIndex: Int, itemIndex: Int?, line: Int, ref: ObjectRef) {
        self.path = path
        self.documentIndex = documentIndex
        self.itemIndex = itemIndex
        self.line = line
        self.ref = ref
    }

    public init?(_ record: ObjectRecord) {
        guard let source = record.source else { return nil }
        self.init(
            path: source.path, documentIndex: source.documentIndex, itemIndex: source.itemIndex, line: source.line,
            ref: record.ref)
    }

    /// `path:line`.
    public var description: String { "\(path):\(line)" }
}

/// One change to an existing Endpoints or EndpointSlice object, by position in its lists (which is
/// the order of the nodes in the file). Expected values are carried so that the editor can refuse
/// when the text does not hold what the plan was made from.
public enum EditOperation: Sendable, Hashable {
    /// Endpoints: remove `subsets[subset].addresses[index]` (or `notReadyAddresses`).
    case removeAddress(subset: Int, notReady: Bool, index: Int, ip: String)
    /// Endpoints: add an address to `subsets[subset].addresses` (or `notReadyAddresses`).
    case addAddress(subset: Int, notReady: Bool, ip: String)
    /// Endpoints: remove a whole subset (every address in it is stale).
    case removeSubset(Int)
    /// Endpoints: add a subset for addresses whose port set no subset has.
    case addSubset(ready: [String], notReady: [String], ports: [PortSpec])
    /// Change a port in place (`subset` is `nil` for a slice's `ports`).
    case replacePort(subset: Int?, index: Int, from: PortSpec, to: PortSpec)
    case removePort(subset: Int?, index: Int, port: PortSpec)
    case addPort(subset: Int?, port: PortSpec)
    /// EndpointSlice: remove `endpoints[index]`.
    case removeEndpoint(index: Int, address: String)
    /// EndpointSlice: add an endpoint with one address.
    case addEndpoint(address: String, ready: Bool)
    /// EndpointSlice: set `endpoints[index].conditions.ready`.
    case setReady(endpoint: Int, address: String, ready: Bool)
}

/// The changes to one existing object.
public struct ObjectEdit: Sendable, Hashable {
    public var location: ObjectLocation
    public var operations: [EditOperation]

    public init(location: ObjectLocation, operations: [EditOperation]) {
        self.location = location
        self.operations = operations
    }
}

/// A whole object the fix writes: a new EndpointSlice (another address family) beside the service's
/// other objects, or a live object adopted into a new file.
public struct NewObject: Sendable, Hashable {
    /// Where the new object is written.
    public enum Placement: Sendable, Hashable {
        /// In the same file, right after this object (a new YAML document, or a new List item).
        case after(ObjectLocation)
        /// In a new file at this repository path.
        case newFile(String)
    }

    public var object: KubeObject
    public var namespace: String
    /// Write `metadata.namespace` (left out when the file's other objects leave it to kustomize).
    public var writesNamespace: Bool
    public var placement: Placement

    public init(object: KubeObject, namespace: String, writesNamespace: Bool, placement: Placement) {
        self.object = object
        self.namespace = namespace
        self.writesNamespace = writesNamespace
        self.placement = placement
    }

    public var ref: ObjectRef { ObjectRef(kind: object.kind, namespace: namespace, name: object.metadata.name) }
}
