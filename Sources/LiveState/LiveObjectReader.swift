import Manifests

/// Decodes list items straight from the JSON cursor into the model, building no trees: only the
/// fields the model keeps are read, everything else (`managedFields`, `status`, owner references…)
/// is skipped. Gives the same objects as `ObjectDecoder` does for the same JSON (a test holds the
/// two together), except that live objects carry no line numbers.
struct LiveObjectReader {
    var reader: JSONReader
    /// Asked once an item's metadata is read, with an object of that kind holding the metadata
    /// alone: true leaves the item out, its other fields skipped unread (the API server writes
    /// `metadata` first, so that is most of the item). It must decide from the kind and metadata
    /// only (from its name, namespace, `kubernetes.io/service-name` label and ignore annotation,
    /// which are all the protobuf reader gives it: `ProtobufObjectReader.leavesOut`). An item left
    /// out is not checked further, so a fault in its other fields is not noted.
    var leavesOut: ((KubeObject) -> Bool)?
    /// Set when the item just read was left out.
    private var leftOut = false

    init(reader: JSONReader, leavesOut: ((KubeObject) -> Bool)? = nil) {
        self.reader = reader
        self.leavesOut = leavesOut
    }

    /// Reads one item of a `kind` list; nil when `leavesOut` left it out. On an error the reader
    /// is left inside the item; callers that want to go on rewind and skip it.
    mutating func read(_ kind: ObjectKind) throws(ManifestError) -> KubeObject? {
        leftOut = false
        let object: KubeObject =
            switch kind {
            case .endpoints: .endpoints(try endpoints())
            case .endpointSlice: .endpointSlice(try endpointSlice())
            case .service: .service(try service())
            }
        return leftOut ? nil : object
    }

    /// After an item's metadata: decides whether the rest of it is skipped (`leftOut`).
    private mutating func decideLeavingOut(_ object: @autoclosure () -> KubeObject) {
        guard let leavesOut else { return }
        leftOut = leavesOut(object())
    }

    // MARK: Kinds

    private mutating func endpoints() throws(ManifestError) -> Endpoints {
        var metadata: ObjectMeta?
        var subsets: [EndpointSubset] = []
        try object { this, key throws(ManifestError) in
            guard !this.leftOut else { return try this.reader.skipValueUnchecked() }
            switch key {
            case "metadata":
                let meta = try this.metadata()
                metadata = meta
                this.decideLeavingOut(.endpoints(Endpoints(metadata: meta, subsets: [])))
            case "subsets": try this.array { this throws(ManifestError) in subsets.append(try this.subset()) }
            default: try this.reader.skipValueUnchecked()
            }
        }
        return Endpoints(metadata: try required(metadata), subsets: subsets)
    }

    private mutating func subset() throws(ManifestError) -> EndpointSubset {
        var subset = EndpointSubset()
        try object { this, key throws(ManifestError) in
            switch key {
            case "addresses":
                try this.array { this throws(ManifestError) in subset.addresses.append(try this.address()) }
            case "notReadyAddresses":
                try this.array { this throws(ManifestError) in subset.notReadyAddresses.append(try this.address()) }
            case "ports":
                try this.array { this throws(ManifestError) in subset.ports.append(try this.port(required: true)) }
            default: try this.reader.skipValueUnchecked()
            }
        }
        return subset
    }

    private mutating func address() throws(ManifestError) -> EndpointAddress {
        var ip: String?
        var hostname: String?
        var nodeName: String?
        try object { this, key throws(ManifestError) in
            switch key {
            case "ip": ip = try this.string(key.string)
            case "hostname": hostname = try this.string(key.string)
            case "nodeName": nodeName = try this.string(key.string)
            default: try this.reader.skipValueUnchecked()
            }
        }
        guard let ip else { throw missing("ip") }
        return EndpointAddress(ip: ip, hostname: hostname, nodeName: nodeName)
    }

    private mutating func port(required: Bool) throws(ManifestError) -> EndpointPort {
        var port = EndpointPort(port: nil)
        try object { this, key throws(ManifestError) in
            switch key {
            case "name": port.name = try this.string(key.string) ?? ""
            case "port": port.port = try this.int(key.string)
            case "protocol": port.protocol = try this.string(key.string)
            case "appProtocol": port.appProtocol = try this.string(key.string)
            default: try this.reader.skipValueUnchecked()
            }
        }
        if required && port.port == nil { throw missing("port") }
        return port
    }

    private mutating func endpointSlice() throws(ManifestError) -> EndpointSlice {
        var metadata: ObjectMeta?
        var addressType: String?
        var endpoints: [SliceEndpoint] = []
        var ports: [EndpointPort]?
        try object { this, key throws(ManifestError) in
            guard !this.leftOut else { return try this.reader.skipValueUnchecked() }
            switch key {
            case "metadata":
                let meta = try this.metadata()
                metadata = meta
                this.decideLeavingOut(.endpointSlice(EndpointSlice(metadata: meta, addressType: "", endpoints: [])))
            case "addressType": addressType = try this.string(key.string)
            case "endpoints":
                try this.array { this throws(ManifestError) in endpoints.append(try this.sliceEndpoint()) }
            case "ports":
                guard !this.nextIsNull() else { return try this.reader.skipValueUnchecked() }
                var list: [EndpointPort] = []
                try this.array { this throws(ManifestError) in list.append(try this.port(required: false)) }
                ports = list
            default: try this.reader.skipValueUnchecked()
            }
        }
        guard let addressType = addressType ?? (leftOut ? "" : nil) else { throw missing("addressType") }
        return EndpointSlice(
            metadata: try required(metadata), addressType: addressType, endpoints: endpoints, ports: ports)
    }

    private mutating func sliceEndpoint() throws(ManifestError) -> SliceEndpoint {
        var endpoint = SliceEndpoint(addresses: [])
        try object { this, key throws(ManifestError) in
            switch key {
            case "addresses":
                try this.array { this throws(ManifestError) in
                    guard let address = try this.string("addresses[]") else { return }
                    endpoint.addresses.append(address)
                }
            case "conditions":
                try this.object { this, key throws(ManifestError) in
                    switch key {
                    case "ready": endpoint.conditions.ready = try this.bool(key.string)
                    case "serving": endpoint.conditions.serving = try this.bool(key.string)
                    case "terminating": endpoint.conditions.terminating = try this.bool(key.string)
                    default: try this.reader.skipValueUnchecked()
                    }
                }
            case "hostname": endpoint.hostname = try this.string(key.string)
            case "nodeName": endpoint.nodeName = try this.string(key.string)
            case "zone": endpoint.zone = try this.string(key.string)
            default: try this.reader.skipValueUnchecked()
            }
        }
        return endpoint
    }

    private mutating func service() throws(ManifestError) -> Service {
        var metadata: ObjectMeta?
        var service: Service?
        try object { this, key throws(ManifestError) in
            guard !this.leftOut else { return try this.reader.skipValueUnchecked() }
            switch key {
            case "metadata":
                let meta = try this.metadata()
                metadata = meta
                this.decideLeavingOut(.service(Service(metadata: meta)))
            case "spec":
                guard !this.nextIsNull() else { return try this.reader.skipValueUnchecked() }
                service = try this.serviceSpec()
            default: try this.reader.skipValueUnchecked()
            }
        }
        let meta = try required(metadata)
        guard var service else { return Service(metadata: meta) }
        service.metadata = meta
        return service
    }

    private mutating func serviceSpec() throws(ManifestError) -> Service {
        var service = Service(metadata: ObjectMeta(name: ""))
        var clusterIP: String?
        try object { this, key throws(ManifestError) in
            switch key {
            case "type": service.type = try this.string(key.string) ?? "ClusterIP"
            case "externalName": service.externalName = try this.string(key.string)
            case "selector": service.selector = try this.stringMap(key.string)
            case "clusterIP": clusterIP = try this.string(key.string)
            case "clusterIPs":
                try this.array { this throws(ManifestError) in
                    if let address = try this.string("clusterIPs[]") { service.clusterIPs.append(address) }
                }
            case "ports": try this.array { this throws(ManifestError) in service.ports.append(try this.servicePort()) }
            default: try this.reader.skipValueUnchecked()
            }
        }
        if service.clusterIPs.isEmpty, let clusterIP { service.clusterIPs = [clusterIP] }
        return service
    }

    private mutating func servicePort() throws(ManifestError) -> ServicePort {
        var name = ""
        var number: Int?
        var proto = "TCP"
        var targetPort: String?
        var appProtocol: String?
        try object { this, key throws(ManifestError) in
            switch key {
            case "name": name = try this.string(key.string) ?? ""
            case "port": number = try this.int(key.string)
            case "protocol": proto = try this.string(key.string) ?? "TCP"
            case "targetPort": targetPort = try this.intOrString(key.string)
            case "appProtocol": appProtocol = try this.string(key.string)
            default: try this.reader.skipValueUnchecked()
            }
        }
        guard let number else { throw missing("port") }
        return ServicePort(name: name, port: number, protocol: proto, targetPort: targetPort, appProtocol: appProtocol)
    }

    private mutating func metadata() throws(ManifestError) -> ObjectMeta {
        var meta = ObjectMeta(name: "")
        try object { this, key throws(ManifestError) in
            switch key {
            case "name": meta.name = try this.string(key.string) ?? ""
            case "namespace": meta.namespace = try this.string(key.string).flatMap { $0.isEmpty ? nil : $0 }
            case "labels": meta.labels = try this.stringMap(key.string)
            case "annotations": meta.annotations = try this.stringMap(key.string)
            case "resourceVersion": meta.resourceVersion = try this.string(key.string)
            case "uid": meta.uid = try this.string(key.string)
            case "creationTimestamp": meta.creationTimestamp = try this.string(key.string)
            default: try this.reader.skipValueUnchecked()  // managedFields above all
            }
        }
        guard !meta.name.isEmpty else { throw missing("metadata.name") }
        return meta
    }

    // MARK: Values

    /// Calls `body` for each key of an object (`null` counts as an empty object). Keys are compared
    /// as written, without making `String`s.
    private mutating func object(
        _ body: (inout LiveObjectReader, JSONKey) throws(ManifestError) -> Void
    ) throws(ManifestError) {
        if nextIsNull() { return try reader.skipValue() }
        guard reader.peek() == UInt8(ascii: "{") else { throw reader.error("expected a map") }
        try reader.beginObject()
        var first = true
        while let key = try reader.nextRawKey(first: first) {
            first = false
            try body(&self, key)
        }
    }

    /// Calls `body` for each element of a list (`null` counts as an empty list).
    private mutating func array(_ body: (inout LiveObjectReader) throws(ManifestError) -> Void) throws(ManifestError) {
        if nextIsNull() { return try reader.skipValue() }
        guard reader.peek() == UInt8(ascii: "[") else { throw reader.error("expected a list") }
        try reader.beginArray()
        var first = true
        while try reader.nextElement(first: first) {
            first = false
            try body(&self)
        }
    }

    private mutating func nextIsNull() -> Bool { reader.peek() == UInt8(ascii: "n") }

    private mutating func string(_ key: @autoclosure () -> String) throws(ManifestError) -> String? {
        switch reader.peek() {
        case UInt8(ascii: "\""): return try reader.readString()
        case UInt8(ascii: "n"):
            try reader.skipValue()
            return nil
        default: throw reader.error("\(key()): expected a string")
        }
    }

    private mutating func int(_ key: @autoclosure () -> String) throws(ManifestError) -> Int? {
        if nextIsNull() {
            try reader.skipValue()
            return nil
        }
        let node = try reader.readValue()
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            throw reader.error("\(key()): expected a number")
        }
        if let value = Int(scalar.value) { return value }
        if let value = Double(scalar.value), value.rounded() == value, abs(value) < 1e15 { return Int(value) }
        throw reader.error("\(key()): expected a whole number")
    }

    private mutating func intOrString(_ key: @autoclosure () -> String) throws(ManifestError) -> String? {
        if reader.peek() == UInt8(ascii: "\"") || nextIsNull() { return try string(key()) }
        return try int(key()).map(String.init)
    }

    private mutating func bool(_ key: @autoclosure () -> String) throws(ManifestError) -> Bool? {
        switch reader.peek() {
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            let value = try reader.readValue().scalar?.value
            guard value == "true" || value == "false" else { throw reader.error("\(key()): expected true or false") }
            return value == "true"
        case UInt8(ascii: "n"):
            try reader.skipValue()
            return nil
        default:
            throw reader.error("\(key()): expected true or false")
        }
    }

    private mutating func stringMap(_ key: @autoclosure () -> String) throws(ManifestError) -> [String: String] {
        var map: [String: String] = [:]
        try object { this, name throws(ManifestError) in
            let text = name.string
            map[text] = try this.string("\(key()).\(text)") ?? ""
        }
        return map
    }

    private func required(_ metadata: ObjectMeta?) throws(ManifestError) -> ObjectMeta {
        guard let metadata else { throw missing("metadata.name") }
        return metadata
    }

    private func missing(_ field: String) -> ManifestError {
        reader.error("\(field) is required")
    }
}
