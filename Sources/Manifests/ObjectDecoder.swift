/// Turns a parsed document into the Kubernetes objects this tool reads.
///
/// Documents that are not Kubernetes objects, and objects of other kinds, yield nothing. A `List`
/// (or any `*List` kind) yields its items. A broken object yields an error and does not stop the
/// other items of its list.
public enum ObjectDecoder {
    /// One decoded object and where its text starts.
    public struct Decoded: Sendable {
        public var object: KubeObject
        public var start: Mark
        /// The position in `items` when the object came from a List.
        public var itemIndex: Int?
    }

    /// What one document gave.
    public struct Result: Sendable {
        public var objects: [Decoded] = []
        public var errors: [ManifestError] = []
        /// Objects we recognise but do not read, e.g. `discovery.k8s.io/v1beta1` slices.
        public var notes: [(mark: Mark, message: String)] = []
    }

    public static func decode(_ root: Node) -> Result {
        var result = Result()
        decode(root, itemIndex: nil, into: &result)
        return result
    }

    /// Decodes one item of a typed list such as `EndpointSliceList`, whose items carry no `kind` or
    /// `apiVersion` (the list's kind says what they are).
    public static func decodeItem(_ node: Node, as kind: ObjectKind) throws(ManifestError) -> KubeObject {
        let fields = try FieldReader(node: node, path: "")
        switch kind {
        case .service: return .service(try service(fields))
        case .endpoints: return .endpoints(try endpoints(fields))
        case .endpointSlice: return .endpointSlice(try endpointSlice(fields))
        }
    }

    private static func decode(_ node: Node, itemIndex: Int?, into result: inout Result) {
        guard case .mapping(let mapping) = node,
            let kind = mapping["kind"]?.stringValue,
            let apiVersion = mapping["apiVersion"]?.stringValue
        else { return }
        let fields = FieldReader(mapping, path: "")
        do {
            switch (kind, apiVersion) {
            case ("Service", "v1"):
                result.objects.append(
                    Decoded(object: .service(try service(fields)), start: mapping.span.start, itemIndex: itemIndex))
            case ("Endpoints", "v1"):
                result.objects.append(
                    Decoded(object: .endpoints(try endpoints(fields)), start: mapping.span.start, itemIndex: itemIndex))
            case ("EndpointSlice", "discovery.k8s.io/v1"):
                result.objects.append(
                    Decoded(
                        object: .endpointSlice(try endpointSlice(fields)), start: mapping.span.start,
                        itemIndex: itemIndex))
            case ("EndpointSlice", _):
                result.notes.append(
                    (
                        mapping.span.start,
                        "EndpointSlice \(apiVersion) is not read: only discovery.k8s.io/v1 is served since Kubernetes 1.25"
                    ))
            case (_, _) where kind.hasSuffix("List") && itemIndex == nil:
                for (index, item) in try fields.list("items").enumerated() {
                    decode(item.node, itemIndex: index, into: &result)
                }
            default:
                return
            }
        } catch {
            result.errors.append(error)
        }
    }

    // MARK: Kinds

    static func metadata(_ fields: FieldReader) throws(ManifestError) -> ObjectMeta {
        guard let meta = try fields.object("metadata") else {
            throw ManifestError(kind: .missingField, at: fields.mapping.span.start, "metadata.name is required")
        }
        return ObjectMeta(
            name: try meta.requiredString("name"),
            namespace: try meta.string("namespace").flatMap { $0.isEmpty ? nil : $0 },
            labels: try meta.stringMap("labels"),
            annotations: try meta.stringMap("annotations"),
            resourceVersion: try meta.string("resourceVersion"),
            uid: try meta.string("uid"),
            creationTimestamp: try meta.string("creationTimestamp"))
    }

    static func service(_ fields: FieldReader) throws(ManifestError) -> Service {
        let meta = try metadata(fields)
        guard let spec = try fields.object("spec") else { return Service(metadata: meta) }
        var ports: [ServicePort] = []
        for item in try spec.list("ports") {
            let port = try FieldReader(node: item.node, path: item.path)
            guard let number = try port.int("port") else {
                throw ManifestError(kind: .missingField, at: item.node.span.start, "\(item.path).port is required")
            }
            ports.append(
                ServicePort(
                    name: try port.string("name") ?? "", port: number, protocol: try port.string("protocol") ?? "TCP",
                    targetPort: try port.intOrString("targetPort"), appProtocol: try port.string("appProtocol")))
        }
        var clusterIPs = try spec.list("clusterIPs").compactMap { $0.node.stringValue }
        if clusterIPs.isEmpty, let single = try spec.string("clusterIP") { clusterIPs = [single] }
        return Service(
            metadata: meta, type: try spec.string("type") ?? "ClusterIP", externalName: try spec.string("externalName"),
            selector: try spec.stringMap("selector"), ports: ports, clusterIPs: clusterIPs)
    }

    static func endpoints(_ fields: FieldReader) throws(ManifestError) -> Endpoints {
        let meta = try metadata(fields)
        var subsets: [EndpointSubset] = []
        for item in try fields.list("subsets") {
            let subset = try FieldReader(node: item.node, path: item.path)
            subsets.append(
                EndpointSubset(
                    addresses: try addresses(subset, "addresses"),
                    notReadyAddresses: try addresses(subset, "notReadyAddresses"),
                    ports: try ports(subset, portRequired: true) ?? []))
        }
        return Endpoints(metadata: meta, subsets: subsets)
    }

    private static func addresses(_ subset: FieldReader, _ key: String) throws(ManifestError) -> [EndpointAddress] {
        var result: [EndpointAddress] = []
        for item in try subset.list(key) {
            let address = try FieldReader(node: item.node, path: item.path)
            guard let ip = try address.string("ip") else {
                throw ManifestError(kind: .missingField, at: item.node.span.start, "\(item.path).ip is required")
            }
            result.append(
                EndpointAddress(
                    ip: ip, hostname: try address.string("hostname"), nodeName: try address.string("nodeName"),
                    // The address's own line, also in flow and JSON items that span several lines.
                    line: (address.node("ip") ?? item.node).span.start.line))
        }
        return result
    }

    /// `nil` when the `ports` field is absent (meaningful for slices).
    private static func ports(_ fields: FieldReader, portRequired: Bool) throws(ManifestError) -> [EndpointPort]? {
        guard fields.isPresent("ports") else { return nil }
        var result: [EndpointPort] = []
        for item in try fields.list("ports") {
            let port = try FieldReader(node: item.node, path: item.path)
            let number = try port.int("port")
            if number == nil && portRequired {
                throw ManifestError(kind: .missingField, at: item.node.span.start, "\(item.path).port is required")
            }
            result.append(
                EndpointPort(
                    name: try port.string("name") ?? "", port: number, protocol: try port.string("protocol"),
                    appProtocol: try port.string("appProtocol"),
                    // The port's first field: its own line in flow and JSON items that span several lines.
                    line: ["name", "port", "protocol"].compactMap { port.node($0)?.span.start.line }.min()
                        ?? item.node.span.start.line))
        }
        return result
    }

    static func endpointSlice(_ fields: FieldReader) throws(ManifestError) -> EndpointSlice {
        let meta = try metadata(fields)
        guard let addressType = try fields.string("addressType") else {
            throw ManifestError(kind: .missingField, at: fields.mapping.span.start, "addressType is required")
        }
        var endpoints: [SliceEndpoint] = []
        for item in try fields.list("endpoints") {
            let endpoint = try FieldReader(node: item.node, path: item.path)
            var addresses: [String] = []
            var line = item.node.span.start.line
            for address in try endpoint.list("addresses") {
                if addresses.isEmpty { line = address.node.span.start.line }
                guard let text = address.node.stringValue else {
                    throw FieldReader.wrongType(path: address.path, expected: "a string", found: address.node)
                }
                addresses.append(text)
            }
            var conditions = EndpointConditions()
            if let written = try endpoint.object("conditions") {
                conditions = EndpointConditions(
                    ready: try written.bool("ready"), serving: try written.bool("serving"),
                    terminating: try written.bool("terminating"))
            }
            endpoints.append(
                SliceEndpoint(
                    addresses: addresses, conditions: conditions, hostname: try endpoint.string("hostname"),
                    nodeName: try endpoint.string("nodeName"), zone: try endpoint.string("zone"),
                    // The first address's line: the one consumers use, and what findings point at.
                    line: line))
        }
        return EndpointSlice(
            metadata: meta, addressType: addressType, endpoints: endpoints,
            ports: try ports(fields, portRequired: false))
    }
}
