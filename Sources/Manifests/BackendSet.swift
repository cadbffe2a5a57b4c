/// Where a backend was written: the object, and on the desired side the file and line.
public struct BackendOrigin: Sendable, Hashable, Codable {
    public var object: ObjectRef
    public var path: String?
    public var line: Int?

    public init(object: ObjectRef, path: String? = nil, line: Int? = nil) {
        self.object = object
        self.path = path
        self.line = line
    }
}

/// The backends of one Service: the union of its Endpoints (addresses and notReadyAddresses times
/// the subset's ports) and of all its EndpointSlices, without duplicates. Grouping and order in the
/// source never matter, which is what makes repacked subsets and mirrored slices compare equal.
public struct BackendSet: Sendable, Equatable {
    /// One table for the backend and where it was written: an insert hashes its key once. The first
    /// origin is kept inline, as most backends are written once (no array per backend).
    private struct Slot: Sendable {
        var backend: Backend
        var origin: BackendOrigin?
        var moreOrigins: [BackendOrigin] = []

        var origins: [BackendOrigin] {
            guard let origin else { return moreOrigins }
            return [origin] + moreOrigins
        }

        mutating func add(_ new: BackendOrigin) {
            if origin == nil { origin = new } else { moreOrigins.append(new) }
        }
    }

    private var entries: [BackendKey: Slot] = [:]

    public init() {}

    public init(_ backends: [Backend]) {
        for backend in backends { insert(backend, origin: nil) }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Sorted by address (numerically), port, protocol, name.
    public var backends: [Backend] {
        // Decorate once: parsing addresses inside the comparator made sorting the slowest step of a
        // scan; the keys go beside the backends, not in a table the comparator looks them up in.
        var keys: [String: AddressOrder.Key] = [:]
        var decorated: [(order: AddressOrder.Key, backend: Backend)] = []
        decorated.reserveCapacity(entries.count)
        for slot in entries.values {
            let address = slot.backend.key.address
            if let order = keys[address] {
                decorated.append((order, slot.backend))
            } else {
                let order = AddressOrder.key(address)
                keys[address] = order
                decorated.append((order, slot.backend))
            }
        }
        decorated.sort { lhs, rhs in
            if lhs.backend.key.address != rhs.backend.key.address { return lhs.order < rhs.order }
            return lhs.backend.key < rhs.backend.key
        }
        return decorated.map(\.backend)
    }

    /// In no particular order: for callers that only collect them (sorting is most of `backends`).
    /// (An array: a lazy view across the module boundary was generic code that looked up type
    /// metadata for every element.)
    public var unorderedBackends: [Backend] { entries.values.map(\.backend) }

    public subscript(key: BackendKey) -> Backend? { entries[key]?.backend }

    /// Whether a backend with `key` is present (without copying it out).
    public func contains(_ key: BackendKey) -> Bool { entries.index(forKey: key) != nil }

    public var keys: [BackendKey] { Array(entries.keys) }

    /// Where each backend was written; several places when it is written more than once.
    public func origins(of key: BackendKey) -> [BackendOrigin] { entries[key]?.origins ?? [] }

    /// Adds a backend. The same key twice (one endpoint in two slices, an Endpoints object and its
    /// mirrored slice) stays one backend: ready if any copy is ready.
    public mutating func insert(_ backend: Backend, origin: BackendOrigin?) {
        // One lookup whether the key is new or not (the default is taken only for a new one).
        var isNew = false
        modify(&entries[backend.key, default: Self.newSlot(backend, &isNew)]) { slot in
            if !isNew {
                slot.backend.ready = slot.backend.ready || backend.ready
                if slot.backend.appProtocol == nil { slot.backend.appProtocol = backend.appProtocol }
            }
            if let origin { slot.add(origin) }
        }
    }

    private static func newSlot(_ backend: Backend, _ isNew: inout Bool) -> Slot {
        isNew = true
        return Slot(backend: backend)
    }

    private func modify(_ slot: inout Slot, _ change: (inout Slot) -> Void) { change(&slot) }

    /// Removes a backend and where it was written.
    public mutating func remove(_ key: BackendKey) {
        entries[key] = nil
    }

    public mutating func formUnion(_ other: BackendSet) {
        for (key, slot) in other.entries {
            insert(slot.backend, origin: nil)
            modify(&entries[key, default: slot]) { mine in
                for origin in slot.origins { mine.add(origin) }
            }
        }
    }

    /// Adds every backend of an Endpoints object.
    ///
    /// An address written more than once for the same port set (ready in `addresses`, not ready in
    /// `notReadyAddresses`, or in two subsets) is one endpoint in the mirrored slice, which kube-proxy
    /// reads: the copy written last wins (subsets in order, `addresses` before `notReadyAddresses`),
    /// as in the mirroring controller's `desiredCalc.addAddress`. So ready and not ready in one subset
    /// is not ready.
    public mutating func add(_ endpoints: Endpoints, ref: ObjectRef, path: String? = nil) {
        struct MirroredEndpoint: Hashable {
            var ports: Set<PortSignature>
            var address: String
            var hostname: String
        }
        struct PortSignature: Hashable {
            var name: String
            var port: Int?
            var `protocol`: String
            var appProtocol: String?
        }
        func key(_ subset: EndpointSubset, _ address: EndpointAddress) -> MirroredEndpoint {
            MirroredEndpoint(
                ports: Set(
                    subset.ports.map {
                        PortSignature(
                            name: $0.name, port: $0.port, protocol: $0.effectiveProtocol, appProtocol: $0.appProtocol)
                    }), address: IPAddress.canonicalText(address.ip), hostname: address.hostname ?? "")
        }
        // Only an object with not-ready addresses can have a conflict (and most have none).
        var last: [MirroredEndpoint: Bool] = [:]
        if endpoints.subsets.contains(where: { !$0.notReadyAddresses.isEmpty }) {
            for subset in endpoints.subsets {
                for address in subset.addresses { last[key(subset, address)] = true }
                for address in subset.notReadyAddresses { last[key(subset, address)] = false }
            }
        }
        reserve(
            endpoints.subsets.reduce(0) {
                $0 + ($1.addresses.count + $1.notReadyAddresses.count) * max(1, $1.ports.count)
            })
        for subset in endpoints.subsets {
            let ports: [EndpointPort?] = subset.ports.isEmpty ? [nil] : subset.ports
            for (addresses, written) in [(subset.addresses, true), (subset.notReadyAddresses, false)] {
                for address in addresses {
                    let canonical = IPAddress.canonicalText(address.ip)
                    let ready = last.isEmpty ? written : last[key(subset, address)] ?? written
                    for port in ports {
                        insert(
                            Backend(
                                key: BackendKey(
                                    address: canonical, port: port?.port, protocol: port?.effectiveProtocol ?? "TCP",
                                    portName: port?.name ?? ""),
                                appProtocol: port?.appProtocol, ready: ready),
                            origin: BackendOrigin(object: ref, path: path, line: address.line))
                    }
                }
            }
        }
    }

    /// Adds every backend of an EndpointSlice; an endpoint's first address is the one consumers use.
    public mutating func add(_ slice: EndpointSlice, ref: ObjectRef, path: String? = nil) {
        let ports: [EndpointPort?] = (slice.ports ?? []).isEmpty ? [nil] : (slice.ports ?? []).map { $0 }
        reserve(slice.endpoints.count * ports.count)
        for endpoint in slice.endpoints {
            guard let first = endpoint.addresses.first else { continue }
            let canonical = IPAddress.canonicalText(first)
            for port in ports {
                insert(
                    Backend(
                        key: BackendKey(
                            address: canonical, port: port?.port, protocol: port?.effectiveProtocol ?? "TCP",
                            portName: port?.name ?? ""),
                        appProtocol: port?.appProtocol, ready: endpoint.conditions.isReady),
                    origin: BackendOrigin(object: ref, path: path, line: endpoint.line))
            }
        }
    }

    /// Room for the first object's `more` backends. Later objects grow the set as they insert: most
    /// repeat backends already in it (an Endpoints object and its mirrored slices), and reserving
    /// room for all they hold rehashed a Service's whole set for nothing.
    private mutating func reserve(_ more: Int) {
        guard entries.isEmpty else { return }
        entries.reserveCapacity(more)
    }

    /// Equal when the same backends with the same readiness and appProtocol are present; origins do not count.
    public static func == (lhs: BackendSet, rhs: BackendSet) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        return lhs.entries.allSatisfy { key, slot in rhs.entries[key]?.backend == slot.backend }
    }
}
