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
    /// A backend and where it was written. The first origin is kept inline, as most backends are
    /// written once (no array per backend).
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

    /// In the order first inserted.
    private var slots: [Slot] = []
    /// A short hash of each slot's key (`tag(of:)`), beside it: a set is looked up by walking these
    /// and comparing the keys whose tag matches. A Service has a handful of backends to some dozens;
    /// a hash table per Service (each key hashed with SipHash, the table grown, twice the memory)
    /// cost more than the walk.
    private var tags: [UInt32] = []
    /// Where each key's slot is, once there are more than `walked` slots (a walk grows with the set).
    private var positions: [BackendKey: Int]?
    private static let walked = 256

    public init() {}

    public init(_ backends: [Backend]) {
        for backend in backends { insert(backend, origin: nil) }
    }

    public var count: Int { slots.count }
    public var isEmpty: Bool { slots.isEmpty }

    /// Sorted by address (numerically), port, protocol, name.
    public var backends: [Backend] {
        // Decorate once: parsing addresses inside the comparator made sorting the slowest step of a
        // scan; the keys go beside the backends, not in a table the comparator looks them up in.
        var keys: [String: AddressOrder.Key] = [:]
        var decorated: [(order: AddressOrder.Key, backend: Backend)] = []
        decorated.reserveCapacity(slots.count)
        for slot in slots {
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
    public var unorderedBackends: [Backend] { slots.map(\.backend) }

    public subscript(key: BackendKey) -> Backend? {
        guard let position = position(of: key) else { return nil }
        return slots[position].backend
    }

    /// Whether a backend with `key` is present.
    public func contains(_ key: BackendKey) -> Bool { position(of: key) != nil }

    public var keys: [BackendKey] { slots.map(\.backend.key) }

    /// Where each backend was written; several places when it is written more than once.
    public func origins(of key: BackendKey) -> [BackendOrigin] {
        guard let position = position(of: key) else { return [] }
        return slots[position].origins
    }

    private func position(of key: BackendKey) -> Int? {
        if let positions { return positions[key] }
        let tag = Self.tag(of: key)
        var position = 0
        while let found = tags[position...].firstIndex(of: tag) {
            if slots[found].backend.key == key { return found }
            position = found + 1
        }
        return nil
    }

    /// FNV-1a of the address's bytes and the port, folded to 32 bits.
    private static func tag(of key: BackendKey) -> UInt32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.address.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ UInt64(UInt(bitPattern: key.port ?? -1))) &* 0x100_0000_01b3
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    /// Adds a backend. The same key twice (one endpoint in two slices, an Endpoints object and its
    /// mirrored slice) stays one backend: ready if any copy is ready.
    public mutating func insert(_ backend: Backend, origin: BackendOrigin?) {
        if let position = position(of: backend.key) {
            slots[position].backend.ready = slots[position].backend.ready || backend.ready
            if slots[position].backend.appProtocol == nil { slots[position].backend.appProtocol = backend.appProtocol }
            if let origin { slots[position].add(origin) }
            return
        }
        var slot = Slot(backend: backend)
        if let origin { slot.add(origin) }
        append(slot)
    }

    /// A slot for a key not in the set.
    private mutating func append(_ slot: Slot) {
        slots.append(slot)
        tags.append(Self.tag(of: slot.backend.key))
        if positions != nil {
            positions?[slot.backend.key] = slots.count - 1
        } else if slots.count > Self.walked {
            positions = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1.backend.key, $0) })
        }
    }

    /// Removes a backend and where it was written.
    public mutating func remove(_ key: BackendKey) {
        guard let position = position(of: key) else { return }
        slots.remove(at: position)
        tags.remove(at: position)
        if positions != nil {
            positions = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1.backend.key, $0) })
        }
    }

    /// Adds every backend of `other`, with where it was written, after this set's own origins.
    public mutating func formUnion(_ other: BackendSet) {
        for theirs in other.slots {
            guard let position = position(of: theirs.backend.key) else {
                append(theirs)
                continue
            }
            slots[position].backend.ready = slots[position].backend.ready || theirs.backend.ready
            if slots[position].backend.appProtocol == nil {
                slots[position].backend.appProtocol = theirs.backend.appProtocol
            }
            for origin in theirs.origins { slots[position].add(origin) }
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
        guard slots.isEmpty else { return }
        slots.reserveCapacity(more)
        tags.reserveCapacity(more)
    }

    /// Equal when the same backends with the same readiness and appProtocol are present; origins do not count.
    public static func == (lhs: BackendSet, rhs: BackendSet) -> Bool {
        guard lhs.slots.count == rhs.slots.count else { return false }
        return lhs.slots.allSatisfy { slot in rhs[slot.backend.key] == slot.backend }
    }
}
