import Manifests

/// Decides, for one service, which edits to its desired Endpoints subsets and EndpointSlices make
/// their backends equal a target backend set, changing as little as possible:
///
/// 1. A port that no address of a subset/slice serves any more is rewritten in place when the
///    cluster has a matching replacement (same name, or same number), so a renumbered port is one edit.
/// 2. Each written address is kept, has its readiness flipped, or is removed.
/// 3. Backends still missing join the subset/slice whose port set they match (the one that already
///    holds that address family); only when none fits is a new subset or a new slice made.
///
/// Every port list it writes is one the API server accepts (`acceptsPorts`): a port that would
/// repeat a slice's port name, or leave a port unnamed in a subset with several, is not added in
/// place; its backends go to a new subset or slice instead.
struct BackendPlacer {
    /// One Endpoints subset or one EndpointSlice: a set of ports and the addresses that serve all of them.
    struct Container {
        var recordIndex: Int
        var location: ObjectLocation
        /// `nil` for a slice.
        var subset: Int?
        /// The slice's `addressType`.
        var addressType: String?
        var ports: [PortSpec]
        /// No ports written (a slice without `ports`, or an empty subset port list): one backend per address.
        var allPorts: Bool
        private(set) var placements: [Placement]
        var removed = false
        /// The addresses and families placed here (for the many look-ups of step 3 on large lists).
        private(set) var addresses: Set<String> = []
        private(set) var families: Set<String> = []

        init(
            recordIndex: Int, location: ObjectLocation, subset: Int?, addressType: String?, ports: [PortSpec],
            allPorts: Bool, placements: [Placement]
        ) {
            self.recordIndex = recordIndex
            self.location = location
            self.subset = subset
            self.addressType = addressType
            self.ports = ports
            self.allPorts = allPorts
            self.placements = placements
            addresses = Set(placements.map(\.address))
            families = Set(addresses.map(BackendPlacer.family(of:)))
        }

        mutating func place(_ placement: Placement) {
            placements.append(placement)
            addresses.insert(placement.address)
            families.insert(BackendPlacer.family(of: placement.address))
        }
    }

    struct Placement {
        var address: String
        var written: String
        var ready: Bool
        /// Endpoints: in `notReadyAddresses`.
        var inNotReadyList: Bool
        /// Position in its list (`addresses`/`notReadyAddresses`, or `endpoints`).
        var index: Int
    }

    let records: [ObjectRecord]
    let target: BackendSet
    let takenSliceNames: Set<String>
    /// Hand-written slices of the service that the cluster has and git does not: a new slice that
    /// holds only their backends is written under their name, so that the object exists on both sides.
    let liveOnlySliceNames: Set<String>
    private var containers: [Container] = []
    private var liveByAddress: [String: [PortIdentity: Backend]] = [:]
    private var operations: [Int: [EditOperation]] = [:]
    private(set) var newObjects: [NewObject] = []
    private(set) var portRewrites: [PortRewrite] = []
    private(set) var unresolved: [String] = []

    init(
        records: [ObjectRecord], target: BackendSet, takenSliceNames: Set<String>, liveOnlySliceNames: Set<String> = []
    ) {
        self.records = records
        self.target = target
        self.takenSliceNames = takenSliceNames
        self.liveOnlySliceNames = liveOnlySliceNames
        for key in target.keys {
            guard let backend = target[key] else { continue }
            liveByAddress[backend.address, default: [:]][PortIdentity(backend.key)] = backend
        }
        for (index, record) in records.enumerated() {
            guard let location = ObjectLocation(record) else { continue }
            switch record.object {
            case .endpoints(let endpoints):
                for (subsetIndex, subset) in endpoints.subsets.enumerated() {
                    var placements: [Placement] = []
                    for (list, notReady) in [(subset.addresses, false), (subset.notReadyAddresses, true)] {
                        for (position, address) in list.enumerated() {
                            placements.append(
                                Placement(
                                    address: IPAddress.canonicalText(address.ip), written: address.ip, ready: !notReady,
                                    inNotReadyList: notReady, index: position))
                        }
                    }
                    containers.append(
                        Container(
                            recordIndex: index, location: location, subset: subsetIndex, addressType: nil,
                            ports: subset.ports.map(PortSpec.init), allPorts: subset.ports.isEmpty,
                            placements: placements))
                }
            case .endpointSlice(let slice):
                var placements: [Placement] = []
                for (position, endpoint) in slice.endpoints.enumerated() {
                    guard let first = endpoint.addresses.first else { continue }
                    placements.append(
                        Placement(
                            address: IPAddress.canonicalText(first), written: first, ready: endpoint.conditions.isReady,
                            inNotReadyList: false, index: position))
                }
                let ports = slice.ports ?? []
                containers.append(
                    Container(
                        recordIndex: index, location: location, subset: nil, addressType: slice.addressType,
                        ports: ports.map(PortSpec.init), allPorts: ports.isEmpty, placements: placements))
            case .service:
                break
            }
        }
    }

    var objectEdits: [ObjectEdit] {
        operations.keys.sorted().compactMap { index in
            guard let location = ObjectLocation(records[index]), let operations = operations[index], !operations.isEmpty
            else { return nil }
            return ObjectEdit(location: location, operations: operations)
        }
    }

    mutating func run() {
        for index in containers.indices where !containers[index].allPorts { reconcilePorts(index) }
        var kept: [Int: [Placement]] = [:]
        var removedPlacements: [Int: [Placement]] = [:]
        for index in containers.indices {
            for placement in containers[index].placements {
                switch decide(placement, in: containers[index]) {
                case .keep:
                    kept[index, default: []].append(placement)
                case .flip(let ready):
                    flip(placement, to: ready, in: index)
                    var moved = placement
                    moved.ready = ready
                    kept[index, default: []].append(moved)
                case .remove:
                    removedPlacements[index, default: []].append(placement)
                }
            }
        }
        let additions = placeMissing(kept: kept)
        for index in containers.indices {
            let removed = removedPlacements[index] ?? []
            guard !removed.isEmpty else { continue }
            let container = containers[index]
            if let subset = container.subset, kept[index]?.isEmpty ?? true, !(additions[index] ?? false) {
                add(.removeSubset(subset), to: container.recordIndex)
                continue
            }
            for placement in removed {
                if let subset = container.subset {
                    add(
                        .removeAddress(
                            subset: subset, notReady: placement.inNotReadyList, index: placement.index,
                            ip: placement.written), to: container.recordIndex)
                } else {
                    add(.removeEndpoint(index: placement.index, address: placement.written), to: container.recordIndex)
                }
            }
        }
    }

    // MARK: Step 1: ports

    private mutating func reconcilePorts(_ index: Int) {
        let container = containers[index]
        let addresses = Array(Set(container.placements.map(\.address))).sorted().filter {
            !(liveByAddress[$0]?.isEmpty ?? true)
        }
        guard !addresses.isEmpty else { return }
        func live(_ address: String) -> [PortIdentity: Backend] { liveByAddress[address] ?? [:] }
        // What other subsets/slices already give each address.
        var elsewhere: [String: Set<PortIdentity>] = [:]
        for other in containers.indices where other != index {
            for placement in containers[other].placements where addresses.contains(placement.address) {
                elsewhere[placement.address, default: []].formUnion(
                    containers[other].allPorts ? [Self.allPorts] : containers[other].ports.map(\.identity))
            }
        }
        let identities = Set(container.ports.map(\.identity))
        let stale = container.ports.indices.filter { port in
            addresses.allSatisfy { live($0)[container.ports[port].identity] == nil }
        }
        // "All ports" (a port-less slice or subset) is never a port to add to a list of ports.
        let extra: [PortSpec] = live(addresses[0]).keys.filter { identity in
            identity != Self.allPorts && !identities.contains(identity)
                && addresses.allSatisfy { live($0)[identity] != nil && !(elsewhere[$0]?.contains(identity) ?? false) }
        }.compactMap { identity in
            live(addresses[0])[identity].map(PortSpec.init)
        }.sorted()
        var unpairedStale = stale
        var unpairedExtra = extra
        var pairs: [(Int, PortSpec)] = []
        func pair(_ matches: (PortSpec, PortSpec) -> Bool) {
            for port in unpairedStale {
                guard let match = unpairedExtra.firstIndex(where: { matches(container.ports[port], $0) }) else {
                    continue
                }
                pairs.append((port, unpairedExtra.remove(at: match)))
                unpairedStale.removeAll { $0 == port }
            }
        }
        pair { !$0.name.isEmpty && $0.name == $1.name }
        pair { $0.port == $1.port && $0.protocol == $1.protocol }
        // A port whose addresses the cluster serves on it only through other subsets/slices (an
        // endpoint listed in two slices) was renamed or renumbered here when a live port of the same
        // name replaces it: edit it in place. Never removed on this evidence alone.
        for port in container.ports.indices where !stale.contains(port) && !container.ports[port].name.isEmpty {
            let identity = container.ports[port].identity
            let lacking = addresses.filter { live($0)[identity] == nil }
            let explained = addresses.allSatisfy {
                live($0)[identity] == nil || (elsewhere[$0]?.contains(identity) ?? false)
            }
            guard !lacking.isEmpty, explained,
                let match = unpairedExtra.firstIndex(where: { $0.name == container.ports[port].name })
            else { continue }
            pairs.append((port, unpairedExtra.remove(at: match)))
        }
        if unpairedStale.count == 1 && unpairedExtra.count == 1 { pair { _, _ in true } }
        var ports = container.ports
        let isSlice = container.subset == nil
        for (port, replacement) in pairs {
            var candidate = ports
            candidate[port] = replacement
            // A rename onto a name the slice already has would be refused: leave the port stale.
            guard Self.acceptsPorts(candidate, slice: isSlice) else {
                unpairedStale.append(port)
                continue
            }
            add(
                .replacePort(subset: container.subset, index: port, from: container.ports[port], to: replacement),
                to: container.recordIndex)
            portRewrites.append(
                PortRewrite(object: container.location.ref, from: container.ports[port], to: replacement))
            ports[port] = replacement
        }
        // Only the extra ports the API server accepts beside the kept ones are added here; the
        // backends of the others are placed in a new subset or slice by step 3.
        let kept = ports.indices.filter { !unpairedStale.contains($0) }.map { ports[$0] }
        var accepted: [PortSpec] = []
        for port in unpairedExtra where Self.acceptsPorts(kept + accepted + [port], slice: isSlice) {
            accepted.append(port)
        }
        unpairedExtra = accepted
        var removed: Set<Int> = []
        if kept.count + unpairedExtra.count >= 1 {
            for port in unpairedStale.sorted() {
                add(
                    .removePort(subset: container.subset, index: port, port: container.ports[port]),
                    to: container.recordIndex)
                removed.insert(port)
            }
        }
        // appProtocol is not identity: fix it in place where every address agrees.
        for port in ports.indices where !stale.contains(port) {
            let values = Set(addresses.map { live($0)[ports[port].identity]?.appProtocol ?? "\u{0}" })
            guard values.count == 1, let value = values.first else { continue }
            let appProtocol: String? = value == "\u{0}" ? nil : value
            if appProtocol != ports[port].appProtocol {
                var replacement = ports[port]
                replacement.appProtocol = appProtocol
                add(
                    .replacePort(subset: container.subset, index: port, from: container.ports[port], to: replacement),
                    to: container.recordIndex)
                ports[port] = replacement
            }
        }
        for port in unpairedExtra {
            add(.addPort(subset: container.subset, port: port), to: container.recordIndex)
        }
        containers[index].ports = ports.indices.filter { !removed.contains($0) }.map { ports[$0] } + unpairedExtra
    }

    // MARK: Step 2: written addresses

    private enum Decision {
        case keep
        case flip(Bool)
        case remove
    }

    private func decide(_ placement: Placement, in container: Container) -> Decision {
        let identities: [PortIdentity] =
            container.allPorts
            ? [Self.allPorts] : container.ports.map(\.identity)
        guard let live = liveByAddress[placement.address], !identities.isEmpty else { return .remove }
        var readiness: Set<Bool> = []
        for identity in identities {
            guard let backend = live[identity] else { return .remove }
            readiness.insert(backend.ready)
        }
        guard readiness.count == 1, let ready = readiness.first else { return .remove }
        return ready == placement.ready ? .keep : .flip(ready)
    }

    private mutating func flip(_ placement: Placement, to ready: Bool, in index: Int) {
        let container = containers[index]
        if let subset = container.subset {
            add(
                .removeAddress(
                    subset: subset, notReady: placement.inNotReadyList, index: placement.index, ip: placement.written),
                to: container.recordIndex)
            // Written in both lists (the mirrored slice makes that one not-ready endpoint): only remove.
            let alreadyThere = container.placements.contains {
                $0.address == placement.address && $0.inNotReadyList == !ready
            }
            if !alreadyThere {
                add(.addAddress(subset: subset, notReady: !ready, ip: placement.written), to: container.recordIndex)
            }
        } else {
            add(
                .setReady(endpoint: placement.index, address: placement.written, ready: ready),
                to: container.recordIndex)
        }
    }

    // MARK: Step 3: missing backends

    /// Adds what is missing; returns which containers received an address.
    private mutating func placeMissing(kept: [Int: [Placement]]) -> [Int: Bool] {
        var covered: Set<BackendKey> = []
        for (index, placements) in kept {
            let container = containers[index]
            for placement in placements {
                if container.allPorts {
                    covered.insert(BackendKey(address: placement.address, port: nil, protocol: "TCP", portName: ""))
                } else {
                    for port in container.ports { covered.insert(port.identity.key(address: placement.address)) }
                }
            }
        }
        struct Group: Hashable {
            var address: String
            var ready: Bool
        }
        var groups: [Group: Set<PortSpec>] = [:]
        for key in target.keys where !covered.contains(key) {
            guard let backend = target[key] else { continue }
            groups[Group(address: backend.address, ready: backend.ready), default: []].insert(PortSpec(backend))
        }
        var received: [Int: Bool] = [:]
        var newSubsets: [Int: [[PortSpec]: (ready: [String], notReady: [String])]] = [:]
        var newSlices: [String: [[PortSpec]: [(String, Bool)]]] = [:]
        let ordered = groups.keys.map { ($0, AddressSortKey($0.address)) }.sorted {
            $0.1 < $1.1 || ($0.1 == $1.1 && $0.0.ready && !$1.0.ready)
        }.map(\.0)
        for group in ordered {
            var remaining = groups[group] ?? []
            let family = Self.family(of: group.address)
            while !remaining.isEmpty {
                guard let best = bestContainer(for: remaining, family: family, address: group.address) else { break }
                // Read what is needed first: a live copy of the container would make `place` copy its
                // whole placement list (copy on write), quadratic on large lists.
                let (subset, recordIndex) = (containers[best].subset, containers[best].recordIndex)
                if containers[best].allPorts {
                    remaining = []
                } else {
                    remaining.subtract(containers[best].ports)
                }
                if let subset {
                    add(.addAddress(subset: subset, notReady: !group.ready, ip: group.address), to: recordIndex)
                } else {
                    add(.addEndpoint(address: group.address, ready: group.ready), to: recordIndex)
                }
                received[best] = true
                containers[best].place(
                    Placement(
                        address: group.address, written: group.address, ready: group.ready,
                        inNotReadyList: !group.ready, index: -1))
            }
            guard !remaining.isEmpty else { continue }
            let ports = remaining.sorted()
            if let endpointsRecord = preferredEndpointsRecord() {
                var entry = newSubsets[endpointsRecord, default: [:]][ports] ?? ([], [])
                if group.ready { entry.ready.append(group.address) } else { entry.notReady.append(group.address) }
                newSubsets[endpointsRecord, default: [:]][ports] = entry
            } else {
                newSlices[family, default: [:]][ports, default: []].append((group.address, group.ready))
            }
        }
        for (recordIndex, byPorts) in newSubsets {
            for ports in byPorts.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                guard let lists = byPorts[ports] else { continue }
                for group in Self.acceptedGroups(ports, slice: false) {
                    add(.addSubset(ready: lists.ready, notReady: lists.notReady, ports: group), to: recordIndex)
                }
            }
        }
        for family in newSlices.keys.sorted() {
            guard let byPorts = newSlices[family] else { continue }
            for ports in byPorts.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                for group in Self.acceptedGroups(ports, slice: true) {
                    addSlice(family: family, ports: group, endpoints: byPorts[ports] ?? [])
                }
            }
        }
        return received
    }

    /// The subset/slice a missing address joins: its ports must all be among the missing ones and its
    /// address family must fit. Preferred: exact port match, then one already holding the family,
    /// then more ports, then more addresses.
    private func bestContainer(for remaining: Set<PortSpec>, family: String, address: String) -> Int? {
        var best: (index: Int, score: [Int])?
        for index in containers.indices where !containers[index].removed {
            let container = containers[index]
            if let addressType = container.addressType, addressType != family { continue }
            let ports: Set<PortSpec>
            if container.allPorts {
                guard remaining.count == 1, remaining.first?.port == nil else { continue }
                ports = remaining
            } else {
                ports = Set(container.ports)
                guard !ports.isEmpty, ports.isSubset(of: remaining) else { continue }
            }
            if container.addresses.contains(address) { continue }
            let sameFamily = container.families.contains(family) ? 1 : 0
            let score = [ports == remaining ? 1 : 0, sameFamily, ports.count, container.placements.count, -index]
            if let current = best, !current.score.lexicographicallyPrecedes(score) { continue }
            best = (index, score)
        }
        return best?.index
    }

    private func preferredEndpointsRecord() -> Int? {
        var counts: [Int: Int] = [:]
        for container in containers where container.subset != nil {
            counts[container.recordIndex, default: 0] += container.placements.count
        }
        for (index, record) in records.enumerated() where record.object.kind == .endpoints && counts[index] == nil {
            counts[index] = 0
        }
        return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
    }

    private mutating func addSlice(family: String, ports: [PortSpec], endpoints: [(String, Bool)]) {
        // The slice that holds most of the service's backends is the model for the new one.
        var counts: [Int: Int] = [:]
        for container in containers where container.subset == nil {
            counts[container.recordIndex, default: 0] += container.placements.count
        }
        guard let anchorIndex = counts.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key,
            case .endpointSlice(let anchor) = records[anchorIndex].object,
            let location = ObjectLocation(records[anchorIndex]),
            let service = anchor.serviceName
        else {
            unresolved.append("no Endpoints or EndpointSlice in git can hold \(family) addresses")
            return
        }
        var name = "\(service)-\(family.lowercased())"
        var suffix = 2
        let taken = takenSliceNames.union(newObjects.map(\.object.metadata.name))
        let liveName = liveSliceName(ports: ports, addresses: endpoints.map(\.0)).flatMap { name in
            newObjects.contains { $0.object.metadata.name == name } ? nil : name
        }
        if let liveName { name = liveName }
        while taken.contains(name) && name != liveName {
            name = "\(service)-\(family.lowercased())-\(suffix)"
            suffix += 1
        }
        var labels = anchor.metadata.labels
        if labels[WellKnown.managedByLabel] == nil || labels[WellKnown.managedByLabel] == WellKnown.sliceController
            || labels[WellKnown.managedByLabel] == WellKnown.mirroringController
        {
            labels[WellKnown.managedByLabel] = "endpoint-drift"
        }
        let slice = EndpointSlice(
            metadata: ObjectMeta(name: name, namespace: anchor.metadata.namespace, labels: labels),
            addressType: family,
            endpoints: endpoints.sorted { AddressOrderProxy.less($0.0, $1.0) }.map {
                SliceEndpoint(addresses: [$0.0], conditions: EndpointConditions(ready: $0.1 ? nil : false))
            },
            ports: ports.allSatisfy({ $0.port == nil }) && ports.count == 1
                ? nil
                : ports.map {
                    EndpointPort(name: $0.name, port: $0.port, protocol: $0.protocol, appProtocol: $0.appProtocol)
                })
        let placement: NewObject.Placement
        if location.itemIndex == nil && location.path.lowercased().hasSuffix(".json") {
            let folder = location.path.split(separator: "/").dropLast().joined(separator: "/")
            placement = .newFile((folder.isEmpty ? "" : folder + "/") + name + ".json")
        } else {
            placement = .after(location)
        }
        newObjects.append(
            NewObject(
                object: .endpointSlice(slice), namespace: location.ref.namespace,
                writesNamespace: anchor.metadata.namespace != nil, placement: placement))
    }

    /// The live-only slice that serves every one of these backends, if any (the first by name).
    private func liveSliceName(ports: [PortSpec], addresses: [String]) -> String? {
        guard !liveOnlySliceNames.isEmpty else { return nil }
        let identities: [PortIdentity] =
            ports.isEmpty ? [Self.allPorts] : ports.map(\.identity)
        var candidates = liveOnlySliceNames
        for address in addresses {
            for identity in identities {
                let names = target.origins(of: identity.key(address: address)).filter {
                    $0.object.kind == .endpointSlice
                }.map(\.object.name)
                candidates.formIntersection(names)
                if candidates.isEmpty { return nil }
            }
        }
        return candidates.sorted().first
    }

    /// The backend identity of a port-less slice or subset.
    static let allPorts = PortIdentity(name: "", port: nil, protocol: "TCP")

    // MARK: Port lists the API server accepts

    /// `validatePorts` refuses a repeated name in a slice (the empty name too); `validateEndpointPort`
    /// requires every port of a subset with several to be named.
    static func acceptsPorts(_ ports: [PortSpec], slice: Bool) -> Bool {
        if slice { return Set(ports.map(\.name)).count == ports.count }
        return ports.count <= 1 || ports.allSatisfy { !$0.name.isEmpty }
    }

    /// `ports` split into the fewest groups (first fit, in port order) that are each accepted.
    static func acceptedGroups(_ ports: [PortSpec], slice: Bool) -> [[PortSpec]] {
        var groups: [[PortSpec]] = []
        for port in ports.sorted() {
            if let index = groups.firstIndex(where: { acceptsPorts($0 + [port], slice: slice) }) {
                groups[index].append(port)
            } else {
                groups.append([port])
            }
        }
        return groups
    }

    // MARK: Helpers

    private mutating func add(_ operation: EditOperation, to recordIndex: Int) {
        operations[recordIndex, default: []].append(operation)
    }

    /// `IPv4`, `IPv6`, or `FQDN` for anything that is not an IP address (the slice `addressType`s).
    static func family(of address: String) -> String {
        IPAddress(address)?.family.rawValue ?? "FQDN"
    }
}

/// Numeric address order, as `BackendKey` sorts (10.0.0.9 before 10.0.0.10, IPv4 before IPv6).
enum AddressOrderProxy {
    static func less(_ lhs: String, _ rhs: String) -> Bool {
        BackendKey(address: lhs, port: nil, protocol: "", portName: "")
            < BackendKey(address: rhs, port: nil, protocol: "", portName: "")
    }
}
