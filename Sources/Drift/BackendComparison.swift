import Manifests

/// The backend half of one Service's comparison: missing, stale, port and readiness findings, each
/// located in git.
struct BackendComparison {
    let key: ServiceKey
    let desired: ServiceInventory.Entry
    let want: BackendSet
    let have: BackendSet
    /// The live slices, looked at only for a finding (most Services have none).
    private let liveSlices: [ObjectRecord]

    init(key: ServiceKey, desired: ServiceInventory.Entry, live: ServiceInventory.Entry?) {
        self.key = key
        self.desired = desired
        want = desired.backends
        have = live?.backends ?? BackendSet()
        liveSlices = live?.slices ?? []
    }

    /// The first of the Service's records in git that is `ref` (there are a few: a walk).
    private func desiredRecord(_ ref: ObjectRef) -> ObjectRecord? {
        if let service = desired.service, service.ref == ref { return service }
        return desired.endpoints.first { $0.ref == ref } ?? desired.slices.first { $0.ref == ref }
    }

    /// Whether `ref` is a live slice the mirroring controller made.
    private func isMirrored(_ ref: ObjectRef) -> Bool {
        liveSlices.contains { record in
            guard record.ref == ref, case .endpointSlice(let slice) = record.object else { return false }
            return slice.isMirrored
        }
    }

    /// Two ports that the same addresses are served on: git's and the cluster's.
    private struct PortPair: Hashable {
        var desired: PortSpec
        var live: PortSpec
    }

    /// The findings, and the live addresses taken as the values of git's placeholders.
    func findings() -> (findings: [Finding], placeholderValues: [String: [String]]) {
        var findings: [Finding] = []
        var missing: [PortSpec: Set<String>] = [:]
        var stale: [PortSpec: Set<String>] = [:]
        // Same backend, other appProtocol: a port change too, found without pairing.
        var appProtocolChanges: [PortPair: [String]] = [:]
        // A placeholder (`${NAS_IP}`) is no address to compare: the live backends on its ports that
        // git does not list otherwise are taken as its value, not reported as stale.
        var placeholderPorts: [PortSpec: [String]] = [:]
        // In any order: the findings are sorted with the report's, and the addresses a finding lists
        // are sorted where it is made (sorting the backends was most of a comparison).
        var placeholderValues: [String: Set<String>] = [:]
        // How many live backends git lists: when all of them, none is stale or a placeholder's value,
        // and the live side is not walked again (the case of nearly every Service).
        var matched = 0
        for backend in want.unorderedBackends {
            if Placeholder.occurs(in: backend.address) {
                placeholderPorts[PortSpec(backend), default: []].append(backend.address)
                continue
            }
            guard let other = have[backend.key] else {
                missing[PortSpec(backend), default: []].insert(backend.address)
                continue
            }
            matched += 1
            if backend.ready != other.ready { findings.append(readinessDrift(backend, live: other)) }
            if backend.appProtocol != other.appProtocol {
                appProtocolChanges[PortPair(desired: PortSpec(backend), live: PortSpec(other)), default: []].append(
                    backend.address)
            }
        }
        if matched < have.count {
            for backend in have.unorderedBackends where !want.contains(backend.key) {
                if let placeholders = placeholderPorts[PortSpec(backend)]
                    ?? placeholderPorts[PortSpec(ignoringAppProtocol: backend)]
                {
                    for placeholder in placeholders {
                        placeholderValues[placeholder, default: []].insert(backend.address)
                    }
                    continue
                }
                stale[PortSpec(backend), default: []].insert(backend.address)
            }
        }

        for (pair, addresses) in appProtocolChanges {
            findings.append(portDrift(pair, addresses: addresses))
        }
        for (pair, addresses) in pairPorts(missing: missing, stale: stale) {
            findings.append(portDrift(pair, addresses: addresses))
            missing[pair.desired]?.subtract(addresses)
            stale[pair.live]?.subtract(addresses)
        }
        for (spec, addresses) in missing {
            for address in addresses {
                guard let backend = want[spec.key(address: address)] else { continue }
                findings.append(missingBackend(backend))
            }
        }
        for (spec, addresses) in stale {
            for address in addresses {
                guard let backend = have[spec.key(address: address)] else { continue }
                findings.append(staleBackend(backend))
            }
        }
        return (findings, placeholderValues.mapValues { AddressOrder.sorted($0) })
    }

    /// Pairs each port git has but the cluster lacks with the port the cluster serves instead on the
    /// same addresses, so that a renumbered or renamed port is one finding, not N missing plus N
    /// stale. Greedy, most alike first (same name, then same number), then most shared addresses.
    private func pairPorts(
        missing: [PortSpec: Set<String>], stale: [PortSpec: Set<String>]
    ) -> [(
        PortPair, [String]
    )] {
        guard !missing.isEmpty, !stale.isEmpty else { return [] }
        var candidates: [(pair: PortPair, likeness: Int, shared: Set<String>)] = []
        for (desiredSpec, desiredAddresses) in missing {
            for (liveSpec, liveAddresses) in stale {
                let shared = desiredAddresses.intersection(liveAddresses)
                guard !shared.isEmpty else { continue }
                candidates.append(
                    (PortPair(desired: desiredSpec, live: liveSpec), desiredSpec.likeness(to: liveSpec), shared))
            }
        }
        candidates.sort { lhs, rhs in
            if lhs.likeness != rhs.likeness { return lhs.likeness > rhs.likeness }
            if lhs.shared.count != rhs.shared.count { return lhs.shared.count > rhs.shared.count }
            if lhs.pair.desired != rhs.pair.desired { return lhs.pair.desired < rhs.pair.desired }
            return lhs.pair.live < rhs.pair.live
        }
        var usedDesired = Set<PortSpec>()
        var usedLive = Set<PortSpec>()
        var pairs: [(PortPair, [String])] = []
        for candidate in candidates
        where !usedDesired.contains(candidate.pair.desired) && !usedLive.contains(candidate.pair.live) {
            usedDesired.insert(candidate.pair.desired)
            usedLive.insert(candidate.pair.live)
            pairs.append((candidate.pair, AddressOrder.sorted(candidate.shared)))
        }
        return pairs
    }

    // MARK: Findings

    private func missingBackend(_ backend: Backend) -> Finding {
        let (object, source) = desiredLocation(of: backend.key)
        return Finding(
            type: .missingBackend, service: key, object: object, address: backend.address, port: backend.port,
            protocol: backend.protocol, portName: backend.portName, desired: BackendSide(backend), source: source,
            message: "\(backend.key) is in git but not served by the cluster")
    }

    private func staleBackend(_ backend: Backend) -> Finding {
        let origins = have.origins(of: backend.key)
        // The hand-written object, not the mirror the control plane made of it.
        let object = (origins.first { !isMirrored($0.object) } ?? origins.first)?.object
        return Finding(
            type: .staleBackend, service: key, object: object, address: backend.address, port: backend.port,
            protocol: backend.protocol, portName: backend.portName, live: BackendSide(backend),
            source: backingSource,
            message: "\(backend.key) is served by the cluster but not in git")
    }

    private func readinessDrift(_ backend: Backend, live: Backend) -> Finding {
        let (object, source) = desiredLocation(of: backend.key)
        let state = { (ready: Bool) in ready ? "ready" : "not ready" }
        return Finding(
            type: .readinessDrift, service: key, object: object, address: backend.address, port: backend.port,
            protocol: backend.protocol, portName: backend.portName, desired: BackendSide(backend),
            live: BackendSide(live), source: source,
            message: "\(backend.key) is \(state(backend.ready)) in git but \(state(live.ready)) in the cluster")
    }

    private func portDrift(_ pair: PortPair, addresses: [String]) -> Finding {
        let sorted = AddressOrder.sorted(addresses)
        let first = sorted.first ?? ""
        let (object, addressSource) = desiredLocation(of: pair.desired.key(address: first))
        var source = addressSource
        if let object, let record = desiredRecord(object), let line = Self.portLine(record, pair.desired, first) {
            source?.line = line
            source?.column = 1
        }
        let shown = sorted.prefix(3).joined(separator: ", ") + (sorted.count > 3 ? ", …" : "")
        return Finding(
            type: .portDrift, service: key, object: object, port: pair.desired.port,
            protocol: pair.desired.protocol, portName: pair.desired.portName, addresses: sorted,
            desired: pair.desired.side, live: pair.live.side, source: source,
            message: "port \(pair.desired.side.portDescription) in git is \(pair.live.side.portDescription) in the "
                + "cluster, on \(plural(sorted.count, "address", "addresses")) (\(shown))")
    }

    // MARK: Locations

    /// The object that writes a backend in git and the line of its address there.
    private func desiredLocation(of key: BackendKey) -> (ObjectRef?, SourceLocation?) {
        guard let origin = want.origins(of: key).first else { return (nil, backingSource) }
        var source = desiredRecord(origin.object)?.source
        if let line = origin.line {
            source?.line = line
            source?.column = 1
        }
        return (origin.object, source)
    }

    /// Where a backend git lacks would be written: the Service's Endpoints, else a slice, else the Service.
    private var backingSource: SourceLocation? {
        (desired.endpoints.first ?? desired.slices.first ?? desired.service)?.source
    }

    /// The line of the port entry that serves `address` on `spec` in a desired object.
    static func portLine(_ record: ObjectRecord, _ spec: PortSpec, _ address: String) -> Int? {
        let matches = { (port: EndpointPort) in
            port.port == spec.port && port.effectiveProtocol == spec.protocol && port.name == spec.portName
        }
        switch record.object {
        case .endpoints(let endpoints):
            for subset in endpoints.subsets
            where (subset.addresses + subset.notReadyAddresses).contains(where: {
                IPAddress.canonicalText($0.ip) == address
            }) {
                if let port = subset.ports.first(where: matches) { return port.line }
            }
            return nil
        case .endpointSlice(let slice):
            return slice.ports?.first(where: matches)?.line
        case .service:
            return nil
        }
    }
}
