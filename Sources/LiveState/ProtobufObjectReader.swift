import Manifests

/// Reads one Service, Endpoints or EndpointSlice from Kubernetes' protobuf encoding straight into
/// the model, as `LiveObjectReader` does from JSON: only the fields the model keeps are read, the
/// rest (`managedFields`, `status`, owner references…) stepped over by their length. Field numbers
/// are those of the Kubernetes API (k8s.io/api core/v1 and discovery/v1, k8s.io/apimachinery
/// meta/v1 and util/intstr; `Protos/kubernetes-objects.proto` lists them).
///
/// Where the JSON answer omits an empty field, the protobuf one carries an empty value: an empty
/// string stands for an absent field (`namespace`, `uid`, `hostname`, `type`…), and a zero
/// `creationTimestamp` for `null`. An empty list and a missing one are the same in protobuf (an
/// EndpointSlice's `ports` reads as absent); the API server keeps objects in this encoding, so its
/// JSON answers cannot tell them apart either. A message written twice is merged and a scalar
/// written twice keeps its last value, as protobuf decoders do.
struct ProtobufObjectReader: Sendable {
    typealias Failure = ProtobufWireReader.Failure

    /// Asked once an item's metadata is read, with an object of that kind holding its name,
    /// namespace and, of its labels and annotations, only the `kubernetes.io/service-name` label and
    /// the ignore annotation (what a check decides by: building every label of every item cost more
    /// than the rest of the reading): true leaves the item out, the rest of it not read.
    var leavesOut: (@Sendable (KubeObject) -> Bool)?

    /// For a check's Services: asked once a Service's identity is read (its name, namespace and
    /// ignore annotation, as `leavesOut` is): true when the check drops the Service if it is backed
    /// by the endpoint controllers (it is not in git and carries no ignore annotation; see
    /// `ServiceDigest.leavesOut`). Such a Service is read thin: its selector, type, external name and
    /// cluster IPs, which say whether it is backed and are all a `ServiceDigest` takes of it; its
    /// other labels, annotations and ports are stepped over. One that turns out not to be backed is
    /// read whole, as is any the thin read cannot read (the whole read then says why).
    var readsThin: (@Sendable (ObjectMeta) -> Bool)?

    /// With `readsThin`: a Service read thin and backed comes back as `DigestOnly` (its key and
    /// cluster IPs), not as an object: all a check's digest takes of it, without a Service, its
    /// metadata or a record made and freed for each of a cluster's thousands.
    var digestsThin = false

    /// With `digestsThin`, in place of `leavesOut` and `readsThin` for the Services: both decisions
    /// made on the Service's identity as bytes of the answer, so that no metadata, object or key is
    /// made for a Service before it is known to be digested (its key is made then).
    var thinsOnBytes: (@Sendable (ItemIdentity) -> ThinDecision)?

    /// What `thinsOnBytes` says of a Service.
    enum ThinDecision {
        /// `leavesOut` would leave it out.
        case leftOut
        /// `readsThin` would read it thin.
        case thin
        /// Read it whole.
        case whole
    }

    /// For a check's Endpoints and slices, in place of `leavesOut`: the same decision, made on the
    /// item's identity as bytes of the answer (no string, no object made for the many items left out).
    var decides: (@Sendable (ItemIdentity) -> Bool)?

    /// What `decides` is given: an item's identity, as bytes of the answer (checked UTF-8).
    struct ItemIdentity {
        /// Empty when the item has none.
        var namespace: UnsafeRawBufferPointer
        /// The Service the item names (`KubeObject.serviceName`): an Endpoints' name, a slice's
        /// `kubernetes.io/service-name` label; nil for a slice without the label.
        var service: UnsafeRawBufferPointer?
        /// Whether it carries the ignore annotation.
        var ignored: Bool
    }

    /// The label and the annotation a leave-out decision may look at (see `leavesOut`).
    private static let decisionLabel = MapKey(WellKnown.serviceNameLabel)
    private static let decisionAnnotation = MapKey(WellKnown.ignoreAnnotation)

    /// A map key as text and as the bytes it is compared with.
    private struct MapKey {
        let text: String
        let bytes: [UInt8]

        init(_ text: String) {
            self.text = text
            bytes = Array(text.utf8)
        }
    }

    /// A Service a check keeps in its digest only (see `digestsThin`): backed, and not one git
    /// defines (`readsThin` said so).
    struct DigestOnly {
        var key: ServiceKey
        var clusterIPs: [String]
    }

    /// What `item(_:kind:)` read.
    enum Item {
        case object(KubeObject)
        case digestOnly(DigestOnly)
        /// `leavesOut` (or `decides`) left it out.
        case leftOut
    }

    /// The item in `wire` as an object of `kind`; nil when `leavesOut` left it out.
    func read(_ wire: ProtobufWireReader, kind: ObjectKind) throws(Failure) -> KubeObject? {
        var wire = wire
        switch kind {
        case .endpoints: return try endpoints(&wire).map(KubeObject.endpoints)
        case .endpointSlice: return try endpointSlice(&wire).map(KubeObject.endpointSlice)
        case .service: return try service(&wire).map(KubeObject.service)
        }
    }

    /// As `read(_:kind:)`; a Service read thin comes back `digestOnly` when `digestsThin` is set.
    func item(_ wire: ProtobufWireReader, kind: ObjectKind) throws(Failure) -> Item {
        guard kind == .service, digestsThin, let readsThin else {
            return try read(wire, kind: kind).map(Item.object) ?? .leftOut
        }
        switch thinService(wire, readsThin, digestOnly: true) {
        case .leftOut: return .leftOut
        case .digestOnly(let thin): return .digestOnly(thin)
        case .thin(let service): return .object(.service(service))
        case .whole:
            var whole = wire
            return try service(&whole, thinTried: true).map { .object(.service($0)) } ?? .leftOut
        }
    }

    /// The Service the item in `wire` belongs to (`KubeObject.serviceName`, in its namespace), from
    /// its metadata alone; nil when the item names none or its metadata does not read.
    static func serviceKey(_ wire: ProtobufWireReader, kind: ObjectKind) -> ServiceKey? {
        var meta = ObjectMeta(name: "")
        do throws(Failure) {
            if var nested = try firstMetadata(wire) { try metadata(&nested, into: &meta, identityOnly: true) }
        } catch {
            return nil
        }
        let object: KubeObject
        switch kind {
        case .service: object = .service(Service(metadata: meta))
        case .endpoints: object = .endpoints(Endpoints(metadata: meta))
        case .endpointSlice: object = .endpointSlice(EndpointSlice(metadata: meta, addressType: "", endpoints: []))
        }
        guard let name = object.serviceName, !name.isEmpty else { return nil }
        return ServiceKey(namespace: meta.namespace ?? "default", name: name)
    }

    /// Reads the metadata (field 1 of all three kinds); true when the item is to be left out. Most
    /// items of a check are: the decision reads only what it can use (name, namespace, labels and
    /// annotations), and a kept item's metadata is then read whole.
    private func metadata(
        _ field: ProtobufWireReader.Field, _ wire: inout ProtobufWireReader, into meta: inout ObjectMeta?,
        kind: ObjectKind, shell: (ObjectMeta) -> KubeObject
    ) throws(Failure) -> Bool {
        let nested = try wire.message(field)
        var merged = meta ?? ObjectMeta(name: "")
        // The first metadata decides; one written again is merged into it.
        if meta == nil, let decides, kind != .service {
            var identity = nested
            if decides(try Self.identity(&identity, kind: kind)) { return true }
        } else if meta == nil, let leavesOut {
            var identity = nested
            try Self.metadata(&identity, into: &merged, identityOnly: true)
            guard !merged.name.isEmpty else { throw Failure("metadata.name is required") }
            if leavesOut(shell(merged)) { return true }
        }
        var whole = nested
        try Self.metadata(&whole, into: &merged, identityOnly: false)
        meta = merged
        return false
    }

    // MARK: Kinds

    /// `thinTried`: the thin read said read it whole already.
    private func service(_ wire: inout ProtobufWireReader, thinTried: Bool = false) throws(Failure) -> Service? {
        if let readsThin, !thinTried {
            switch thinService(wire, readsThin, digestOnly: false) {
            case .leftOut: return nil
            case .thin(let service): return service
            case .whole, .digestOnly: break
            }
        }
        var meta: ObjectMeta?
        var service = Service(metadata: ObjectMeta(name: ""))
        var clusterIP = ""
        while let field = try wire.field() {
            switch field.number {
            case 1:
                if try metadata(field, &wire, into: &meta, kind: .service, shell: { .service(Service(metadata: $0)) }) {
                    return nil
                }
            case 2:
                var spec = try wire.message(field)
                try Self.serviceSpec(&spec, into: &service, clusterIP: &clusterIP)
            default: try wire.skip(field.type)
            }
        }
        service.metadata = try Self.required(meta)
        if service.clusterIPs.isEmpty && !clusterIP.isEmpty { service.clusterIPs = [clusterIP] }
        return service
    }

    private enum ThinRead {
        case leftOut
        case thin(Service)
        case digestOnly(DigestOnly)
        case whole
    }

    /// The Service in `item` read thin (see `readsThin`), left out, or to be read whole.
    /// `digestOnly`: a backed one comes back as its key and cluster IPs (its selector is only
    /// checked to be there and to read, not made into strings).
    private func thinService(
        _ item: ProtobufWireReader, _ readsThin: (ObjectMeta) -> Bool, digestOnly: Bool
    ) -> ThinRead {
        var wire = item
        var meta: ObjectMeta?
        var key: ServiceKey?
        var service = Service(metadata: ObjectMeta(name: ""))
        var clusterIP = ""
        var hasSelector = false
        do throws(Failure) {
            while let field = try wire.field() {
                switch field.number {
                case 1:
                    // Metadata written twice is merged by the whole read.
                    guard meta == nil, key == nil else { return .whole }
                    var nested = try wire.message(field)
                    if digestOnly, let thinsOnBytes {
                        // Throws for a Service without a name: the whole read says so.
                        let identity = try Self.identity(&nested, kind: .service)
                        switch thinsOnBytes(identity) {
                        case .leftOut: return .leftOut
                        case .whole: return .whole
                        case .thin:
                            let name = identity.service.map { String(decoding: $0, as: UTF8.self) } ?? ""
                            let namespace =
                                identity.namespace.isEmpty
                                ? "default" : String(decoding: identity.namespace, as: UTF8.self)
                            key = ServiceKey(namespace: namespace, name: name)
                        }
                        continue
                    }
                    var identity = ObjectMeta(name: "")
                    try Self.metadata(&nested, into: &identity, identityOnly: true)
                    guard !identity.name.isEmpty else { return .whole }
                    if let leavesOut, leavesOut(.service(Service(metadata: identity))) { return .leftOut }
                    guard readsThin(identity) else { return .whole }
                    meta = identity
                    key = ServiceKey(namespace: identity.namespace ?? "default", name: identity.name)
                case 2:
                    var spec = try wire.message(field)
                    let seen = try Self.serviceSpec(
                        &spec, into: &service, clusterIP: &clusterIP, read: digestOnly ? .digest : .thin)
                    hasSelector = hasSelector || seen
                default: try wire.skip(field.type)
                }
            }
        } catch {
            return .whole
        }
        guard let key else { return .whole }
        if service.clusterIPs.isEmpty && !clusterIP.isEmpty { service.clusterIPs = [clusterIP] }
        if digestOnly {
            guard hasSelector || service.isExternalName else { return .whole }
            return .digestOnly(DigestOnly(key: key, clusterIPs: service.clusterIPs))
        }
        guard let meta else { return .whole }
        service.metadata = meta
        return service.isControllerBacked ? .thin(service) : .whole
    }

    /// How much of a Service's spec a read makes into the model.
    private enum SpecRead {
        case whole
        /// The ports stepped over.
        case thin
        /// The ports stepped over, and the selector's entries only checked to read (as the whole
        /// read would), not made into strings: a digest needs to know only that there is one.
        case digest
    }

    /// Whether the spec has a selector entry (`digest` leaves `service.selector` empty).
    @discardableResult
    private static func serviceSpec(
        _ wire: inout ProtobufWireReader, into service: inout Service, clusterIP: inout String, read: SpecRead = .whole
    ) throws(Failure) -> Bool {
        var hasSelector = false
        while let field = try wire.field() {
            switch field.number {
            case 1 where read != .whole: try wire.skip(field.type)
            case 1:
                var port = try wire.message(field)
                service.ports.append(try servicePort(&port))
            case 2 where read == .digest:
                var entry = try wire.message(field)
                while let field = try entry.field() {
                    switch field.number {
                    case 1, 2: _ = try entry.text(field)
                    default: try entry.skip(field.type)
                    }
                }
                hasSelector = true
            case 2:
                var entry = try wire.message(field)
                try Self.entry(&entry, into: &service.selector)
                hasSelector = true
            case 3: clusterIP = try wire.string(field)
            case 4:
                let type = try wire.string(field)
                service.type = type.isEmpty ? "ClusterIP" : type
            case 10: service.externalName = nonEmpty(try wire.string(field))
            case 18: service.clusterIPs.append(try wire.string(field))
            default: try wire.skip(field.type)
            }
        }
        return hasSelector
    }

    private static func servicePort(_ wire: inout ProtobufWireReader) throws(Failure) -> ServicePort {
        var port = ServicePort(port: 0)
        var targetType: Int64 = 0
        var targetNumber = 0
        var targetName = ""
        var hasTarget = false
        while let field = try wire.field() {
            switch field.number {
            case 1: port.name = try wire.string(field)
            case 2: port.protocol = nonEmpty(try wire.string(field)) ?? "TCP"
            case 3: port.port = try wire.int32(field)
            case 4:
                hasTarget = true
                var target = try wire.message(field)
                while let field = try target.field() {
                    switch field.number {
                    case 1: targetType = try target.int64(field)
                    case 2: targetNumber = try target.int32(field)
                    case 3: targetName = try target.string(field)
                    default: try target.skip(field.type)
                    }
                }
            case 6: port.appProtocol = try wire.string(field)
            default: try wire.skip(field.type)
            }
        }
        // intstr.IntOrString: type 1 is a name, anything else a number.
        if hasTarget { port.targetPort = targetType == 1 ? targetName : String(targetNumber) }
        return port
    }

    private func endpoints(_ wire: inout ProtobufWireReader) throws(Failure) -> Endpoints? {
        var meta: ObjectMeta?
        var subsets: [EndpointSubset] = []
        while let field = try wire.field() {
            switch field.number {
            case 1:
                if try metadata(
                    field, &wire, into: &meta, kind: .endpoints, shell: { .endpoints(Endpoints(metadata: $0)) })
                {
                    return nil
                }
            case 2:
                var subset = try wire.message(field)
                subsets.append(try Self.subset(&subset))
            default: try wire.skip(field.type)
            }
        }
        return Endpoints(metadata: try Self.required(meta), subsets: subsets)
    }

    private static func subset(_ wire: inout ProtobufWireReader) throws(Failure) -> EndpointSubset {
        var subset = EndpointSubset()
        while let field = try wire.field() {
            switch field.number {
            case 1:
                var address = try wire.message(field)
                subset.addresses.append(try endpointAddress(&address))
            case 2:
                var address = try wire.message(field)
                subset.notReadyAddresses.append(try endpointAddress(&address))
            case 3:
                var port = try wire.message(field)
                var result = EndpointPort(port: 0)
                while let field = try port.field() {
                    switch field.number {
                    case 1: result.name = try port.string(field)
                    case 2: result.port = try port.int32(field)
                    case 3: result.protocol = nonEmpty(try port.string(field))
                    case 4: result.appProtocol = try port.string(field)
                    default: try port.skip(field.type)
                    }
                }
                subset.ports.append(result)
            default: try wire.skip(field.type)
            }
        }
        return subset
    }

    private static func endpointAddress(_ wire: inout ProtobufWireReader) throws(Failure) -> EndpointAddress {
        var address = EndpointAddress(ip: "")
        while let field = try wire.field() {
            switch field.number {
            case 1: address.ip = try wire.string(field)
            case 3: address.hostname = nonEmpty(try wire.string(field))
            case 4: address.nodeName = try wire.string(field)
            default: try wire.skip(field.type)
            }
        }
        return address
    }

    private func endpointSlice(_ wire: inout ProtobufWireReader) throws(Failure) -> EndpointSlice? {
        var meta: ObjectMeta?
        var addressType: String?
        var endpoints: [SliceEndpoint] = []
        var ports: [EndpointPort] = []
        while let field = try wire.field() {
            switch field.number {
            case 1:
                let shell = { (meta: ObjectMeta) in
                    KubeObject.endpointSlice(EndpointSlice(metadata: meta, addressType: "", endpoints: []))
                }
                if try metadata(field, &wire, into: &meta, kind: .endpointSlice, shell: shell) { return nil }
            case 2:
                var endpoint = try wire.message(field)
                endpoints.append(try Self.sliceEndpoint(&endpoint))
            case 3:
                var port = try wire.message(field)
                var result = EndpointPort(port: nil)
                while let field = try port.field() {
                    switch field.number {
                    case 1: result.name = try port.string(field)
                    case 2: result.protocol = try port.string(field)
                    case 3: result.port = try port.int32(field)
                    case 4: result.appProtocol = try port.string(field)
                    default: try port.skip(field.type)
                    }
                }
                ports.append(result)
            case 4: addressType = try wire.string(field)
            default: try wire.skip(field.type)
            }
        }
        let metadata = try Self.required(meta)
        guard let addressType else { throw Failure("addressType is required") }
        return EndpointSlice(
            metadata: metadata, addressType: addressType, endpoints: endpoints, ports: ports.isEmpty ? nil : ports)
    }

    private static func sliceEndpoint(_ wire: inout ProtobufWireReader) throws(Failure) -> SliceEndpoint {
        var endpoint = SliceEndpoint(addresses: [])
        while let field = try wire.field() {
            switch field.number {
            case 1: endpoint.addresses.append(try wire.string(field))
            case 2:
                var conditions = try wire.message(field)
                while let field = try conditions.field() {
                    switch field.number {
                    case 1: endpoint.conditions.ready = try conditions.bool(field)
                    case 2: endpoint.conditions.serving = try conditions.bool(field)
                    case 3: endpoint.conditions.terminating = try conditions.bool(field)
                    default: try conditions.skip(field.type)
                    }
                }
            case 3: endpoint.hostname = try wire.string(field)
            case 6: endpoint.nodeName = try wire.string(field)
            case 7: endpoint.zone = try wire.string(field)
            default: try wire.skip(field.type)
            }
        }
        return endpoint
    }

    // MARK: Metadata

    /// The identity `decides` is given of the item in `wire`: of its first metadata, as the item's
    /// read decides; nil when the item has none or it does not read (the item's read then says why).
    static func identity(ofItem wire: ProtobufWireReader, kind: ObjectKind) -> ItemIdentity? {
        do throws(Failure) {
            guard var nested = try firstMetadata(wire) else { return nil }
            return try identity(&nested, kind: kind)
        } catch {
            return nil
        }
    }

    /// The item's first metadata (field 1 of all three kinds); nil when it has none.
    private static func firstMetadata(_ item: ProtobufWireReader) throws(Failure) -> ProtobufWireReader? {
        var wire = item
        while let field = try wire.field() {
            guard field.number == 1 else {
                try wire.skip(field.type)
                continue
            }
            return try wire.message(field)
        }
        return nil
    }

    /// The identity `decides` is given, read from the metadata in `wire` as `metadata(_:into:identityOnly:)`
    /// reads it (the same checks, the last of a field written twice), without making strings.
    private static func identity(_ wire: inout ProtobufWireReader, kind: ObjectKind) throws(Failure) -> ItemIdentity {
        var name = 0..<0
        var namespace = 0..<0
        var label: Range<Int>?
        var ignored = false
        while let field = try wire.field() {
            switch field.number {
            case 1: name = try wire.text(field)
            case 3: namespace = try wire.text(field)
            case 11:
                var entry = try wire.message(field)
                if let value = try Self.entryValue(&entry, key: decisionLabel) { label = value }
            case 12:
                var entry = try wire.message(field)
                if try Self.entryValue(&entry, key: decisionAnnotation) != nil { ignored = true }
            default: try wire.skip(field.type)
            }
        }
        guard !name.isEmpty else { throw Failure("metadata.name is required") }
        let service = kind == .endpointSlice ? label : name
        return ItemIdentity(namespace: wire[namespace], service: service.map { wire[$0] }, ignored: ignored)
    }

    /// `identityOnly`: the name, the namespace, and the decision's label and annotation only.
    private static func metadata(
        _ wire: inout ProtobufWireReader, into meta: inout ObjectMeta, identityOnly: Bool
    ) throws(Failure) {
        while let field = try wire.field() {
            switch field.number {
            case 5 where identityOnly, 6 where identityOnly, 8 where identityOnly: try wire.skip(field.type)
            case 11 where identityOnly:
                var entry = try wire.message(field)
                try Self.entry(&entry, into: &meta.labels, onlyKey: decisionLabel)
            case 12 where identityOnly:
                var entry = try wire.message(field)
                try Self.entry(&entry, into: &meta.annotations, onlyKey: decisionAnnotation)
            case 1: meta.name = try wire.string(field)
            case 3: meta.namespace = nonEmpty(try wire.string(field))
            case 5: meta.uid = nonEmpty(try wire.string(field))
            case 6: meta.resourceVersion = nonEmpty(try wire.string(field))
            case 8:
                var time = try wire.message(field)
                var seconds: Int64 = 0
                var nanos = 0
                while let field = try time.field() {
                    switch field.number {
                    case 1: seconds = try time.int64(field)
                    case 2: nanos = try time.int32(field)
                    default: try time.skip(field.type)
                    }
                }
                // As the API server writes it in JSON: RFC 3339 in UTC, whole seconds; zero is null.
                meta.creationTimestamp = seconds != 0 || nanos != 0 ? RFC3339.format(seconds: seconds) : nil
            case 11:
                var entry = try wire.message(field)
                try Self.entry(&entry, into: &meta.labels)
            case 12:
                var entry = try wire.message(field)
                try Self.entry(&entry, into: &meta.annotations)
            default: try wire.skip(field.type)  // managedFields above all
            }
        }
    }

    /// One entry of a `map<string, string>`: a message with the key in field 1 and the value in
    /// field 2. A key written twice keeps its last value, as protobuf's map decoding does.
    private static func entry(_ wire: inout ProtobufWireReader, into map: inout [String: String]) throws(Failure) {
        var key = ""
        var value = ""
        while let field = try wire.field() {
            switch field.number {
            case 1: key = try wire.string(field)
            case 2: value = try wire.string(field)
            default: try wire.skip(field.type)
            }
        }
        map[key] = value
    }

    /// As `entry(_:into:)`, for the entry whose key is `key` only; the others are stepped over
    /// without making strings of them.
    private static func entry(
        _ wire: inout ProtobufWireReader, into map: inout [String: String], onlyKey key: MapKey
    ) throws(Failure) {
        guard let value = try entryValue(&wire, key: key) else { return }
        map[key.text] = String(decoding: wire[value], as: UTF8.self)
    }

    /// Where the value of a map entry whose key is `key` lies (checked UTF-8; empty when the entry
    /// has none); nil for an entry with another key, whose value is not looked at.
    private static func entryValue(_ wire: inout ProtobufWireReader, key: MapKey) throws(Failure) -> Range<Int>? {
        var matches = false
        // Where the value is, read only if the key is the one wanted.
        var value: (reader: ProtobufWireReader, field: ProtobufWireReader.Field)?
        while let field = try wire.field() {
            switch field.number {
            case 1: matches = try wire.bytesEqual(field, key.bytes)
            case 2:
                value = (wire, field)
                try wire.skip(field.type)
            default: try wire.skip(field.type)
            }
        }
        guard matches else { return nil }
        guard var value else { return 0..<0 }
        return try value.reader.text(value.field)
    }

    private static func required(_ meta: ObjectMeta?) throws(Failure) -> ObjectMeta {
        guard let meta, !meta.name.isEmpty else { throw Failure("metadata.name is required") }
        return meta
    }

    private static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
