import Manifests

/// Checks the manifests alone, without the cluster: what the API server would reject or rewrite,
/// and what can never work (ports that match no Service port, Endpoints the controller overwrites).
public enum Linter {
    /// The API server truncates Endpoints over this many addresses and rejects larger slices.
    public static let maxEndpoints = 1000

    /// Every lint finding for the desired objects; `inventory` is the same records grouped per Service.
    /// `clusterIPs` maps the cluster IPs known (written in git, or of live Services) to their
    /// Service: the API server rejects another Service's cluster IP as an endpoint address.
    public static func lint(
        _ records: [ObjectRecord], inventory: ServiceInventory, clusterIPs: [String: ServiceKey] = [:]
    ) -> [Finding] {
        var findings: [Finding] = []
        for record in records {
            switch record.object {
            case .service(let service):
                findings += validationFindings(
                    APIValidation.validate(service, namespace: record.ref.namespace), record,
                    service: ServiceKey(namespace: record.ref.namespace, name: record.ref.name))
            case .endpoints(let endpoints):
                findings += lint(
                    endpoints, record, service: definedService(named: record.ref.name, record, inventory),
                    clusterIPs: clusterIPs)
            case .endpointSlice(let slice):
                let service = slice.serviceName.flatMap { definedService(named: $0, record, inventory) }
                findings += lint(slice, record, service: service, clusterIPs: clusterIPs)
            }
        }
        for entry in inventory.entries {
            findings += duplicates(in: entry)
        }
        return findings
    }

    /// A manifest that could not be read is a finding too: it hides whatever it defines.
    public static func findings(for errors: [ManifestError], commit: String) -> [Finding] {
        errors.map { error in
            Finding(
                type: .invalidManifest, service: nil,
                source: error.path.isEmpty
                    ? nil
                    : SourceLocation(
                        path: error.path, line: max(error.line, 1), column: max(error.column, 1), commitID: commit),
                message: error.message)
        }
    }

    private static func definedService(
        named name: String, _ record: ObjectRecord, _ inventory: ServiceInventory
    )
        -> Service?
    {
        guard let serviceRecord = inventory[ServiceKey(namespace: record.ref.namespace, name: name)]?.service,
            case .service(let service) = serviceRecord.object
        else { return nil }
        return service
    }

    // MARK: Endpoints

    private static func lint(
        _ endpoints: Endpoints, _ record: ObjectRecord, service: Service?, clusterIPs: [String: ServiceKey]
    ) -> [Finding] {
        let key = ServiceKey(namespace: record.ref.namespace, name: record.ref.name)
        var findings: [Finding] = []
        func add(
            _ type: FindingType, line: Int? = nil, address: String? = nil, port: EndpointPort? = nil, _ message: String
        ) {
            findings.append(finding(type, record, service: key, line: line, address: address, port: port, message))
        }

        if let service {
            if service.hasSelector {
                add(
                    .selectorWithEndpoints,
                    "Service \(key) has a selector, so the endpoints controller overwrites these hand-written Endpoints"
                )
            } else if service.isExternalName {
                add(
                    .externalNameWithEndpoints,
                    "Service \(key) is ExternalName (\(service.externalName ?? "")); these Endpoints are never used")
            }
        } else {
            add(.endpointsWithoutService, "no Service \(key) in git for these Endpoints (linked by name)")
        }

        let count = endpoints.subsets.reduce(0) { $0 + $1.addresses.count + $1.notReadyAddresses.count }
        if count > maxEndpoints {
            add(
                .tooManyEndpoints,
                "\(count) addresses; the API server keeps \(maxEndpoints) and annotates the object "
                    + "\(WellKnown.overCapacityAnnotation)")
        }
        findings += validationFindings(
            APIValidation.validate(endpoints, namespace: record.ref.namespace), record, service: key)
        for subset in endpoints.subsets {
            for address in subset.addresses + subset.notReadyAddresses {
                if let problem = clusterIPProblem(address.ip, clusterIPs: clusterIPs) {
                    add(.reservedAddress, line: address.line, address: address.ip, problem)
                }
            }
            if let service {
                for port in subset.ports {
                    if let problem = portProblem(port, service: service) {
                        add(problem.type, line: port.line, port: port, problem.message)
                    }
                }
            }
        }
        return findings
    }

    // MARK: EndpointSlices

    private static func lint(
        _ slice: EndpointSlice, _ record: ObjectRecord, service: Service?, clusterIPs: [String: ServiceKey]
    ) -> [Finding] {
        let key = slice.serviceName.map { ServiceKey(namespace: record.ref.namespace, name: $0) }
        var findings: [Finding] = []
        func add(
            _ type: FindingType, line: Int? = nil, address: String? = nil, port: EndpointPort? = nil, _ message: String
        ) {
            findings.append(finding(type, record, service: key, line: line, address: address, port: port, message))
        }

        if let key {
            if service == nil {
                add(
                    .sliceWithoutService,
                    "no Service \(key) in git for this EndpointSlice (label \(WellKnown.serviceNameLabel))")
            }
        } else {
            add(
                .sliceWithoutServiceName,
                "EndpointSlice \(record.ref.namespace)/\(record.ref.name) has no \(WellKnown.serviceNameLabel) "
                    + "label, so it backs no Service")
        }
        if let managedBy = slice.managedBy,
            managedBy == WellKnown.sliceController || managedBy == WellKnown.mirroringController
        {
            add(
                .reservedManagedBy,
                "\(WellKnown.managedByLabel): \(managedBy) is the control plane's; that controller deletes or "
                    + "overwrites slices it did not make")
        }

        findings += validationFindings(
            APIValidation.validate(slice, namespace: record.ref.namespace), record, service: key)
        if IPFamily(rawValue: slice.addressType) != nil {
            for endpoint in slice.endpoints {
                for address in endpoint.addresses {
                    if let problem = clusterIPProblem(address, clusterIPs: clusterIPs) {
                        add(.reservedAddress, line: endpoint.line, address: address, problem)
                    }
                }
            }
        }
        if let service {
            for port in slice.ports ?? [] {
                if let problem = portProblem(port, service: service) {
                    add(problem.type, line: port.line, port: port, problem.message)
                }
            }
        }
        return findings
    }

    // MARK: Rules

    /// The API server's own validation of the object (see `APIValidation`), as findings.
    private static func validationFindings(
        _ problems: [ValidationProblem], _ record: ObjectRecord, service: ServiceKey?
    ) -> [Finding] {
        // A placeholder (`${NAS_IP}`) is reported as unresolved-variable, not as a bad address.
        problems.filter { !($0.address.map(Placeholder.occurs) ?? false) }.map { problem in
            let type: FindingType
            switch problem.kind {
            case .invalidAddress: type = .invalidAddress
            case .addressFamily, .unknownAddressType: type = .addressTypeMismatch
            case .specialAddress: type = .reservedAddress
            case .tooManyEndpoints: type = .tooManyEndpoints
            case .invalidField: type = .invalidField
            }
            // Addresses and counts say what is wrong in their own words; other fields need their path.
            let message =
                switch problem.kind {
                case .invalidField: "\(problem.field): \(problem.message); the API server rejects it"
                case .specialAddress: "\(problem.message); the API server rejects it"
                default: problem.message
                }
            return finding(
                type, record, service: service, line: problem.line, address: problem.address, port: nil, message)
        }
    }

    /// Every address `lint` may look up among the cluster IPs (canonical): the lint of `records`
    /// is the same for two maps of cluster IPs that agree on these. A superset at most.
    public static func addressesLookedUp(in records: [ObjectRecord]) -> Set<String> {
        var addresses: Set<String> = []
        func add(_ text: String) {
            if let address = IPAddress(text) { addresses.insert(address.canonical) }
        }
        for record in records {
            switch record.object {
            case .service: break
            case .endpoints(let endpoints):
                for subset in endpoints.subsets {
                    for address in subset.addresses { add(address.ip) }
                    for address in subset.notReadyAddresses { add(address.ip) }
                }
            case .endpointSlice(let slice):
                for endpoint in slice.endpoints {
                    for address in endpoint.addresses { add(address) }
                }
            }
        }
        return addresses
    }

    /// Another Service's cluster IP (valid as an address, but refused for endpoints).
    private static func clusterIPProblem(_ text: String, clusterIPs: [String: ServiceKey]) -> String? {
        guard !clusterIPs.isEmpty, let address = IPAddress(text), let owner = clusterIPs[address.canonical] else {
            return nil
        }
        return "\(text) is the cluster IP of Service \(owner); the API server rejects it"
    }

    /// Endpoint ports are matched to Service ports by name, the empty name included.
    private static func portProblem(_ port: EndpointPort, service: Service) -> (type: FindingType, message: String)? {
        guard !service.hasSelector, !service.isExternalName, !service.ports.isEmpty else { return nil }
        let names = service.ports.map(\.name)
        if names.contains(port.name) { return nil }
        let known = names.filter { !$0.isEmpty }.map { "'\($0)'" }.joined(separator: ", ")
        if port.name.isEmpty {
            if service.ports.count > 1 {
                return (.unnamedPort, "unnamed port on a Service with \(service.ports.count) ports (\(known))")
            }
            return (.unknownPortName, "unnamed port, but the Service's port is named \(known)")
        }
        let expected = known.isEmpty ? "the Service's port is unnamed" : "the Service's ports are \(known)"
        return (.unknownPortName, "port name '\(port.name)' matches no Service port; \(expected)")
    }

    /// The same backend written twice in one object (the same endpoint in two objects is allowed:
    /// Kubernetes merges them).
    private static func duplicates(in entry: ServiceInventory.Entry) -> [Finding] {
        // Per object and address; an address written twice repeats once per port, hence the max.
        var repeated: [ObjectRef: [String: (times: Int, lines: Set<Int>)]] = [:]
        for key in entry.backends.keys {
            let all = entry.backends.origins(of: key)
            // Nearly every backend has one origin, or one in each of two objects: nothing to group.
            guard all.count > 2 || (all.count == 2 && all[0].object == all[1].object) else { continue }
            for (object, origins) in Dictionary(grouping: all, by: \.object) where origins.count > 1 {
                let seen = repeated[object]?[key.address] ?? (0, [])
                repeated[object, default: [:]][key.address] = (
                    max(seen.times, origins.count), seen.lines.union(origins.compactMap(\.line))
                )
            }
        }
        var findings: [Finding] = []
        for record in entry.records {
            for (address, repetition) in (repeated[record.ref] ?? [:]).sorted(by: { AddressOrder.less($0.key, $1.key) })
            {
                let lines = repetition.lines.sorted()
                let lineList = lines.isEmpty ? "" : " (lines \(lines.map(String.init).joined(separator: ", ")))"
                findings.append(
                    finding(
                        .duplicateBackend, record, service: entry.key, line: lines.dropFirst().first ?? lines.first,
                        address: address, port: nil,
                        "\(address) is written \(repetition.times) times in \(record.ref.kind.rawValue) "
                            + "\(record.ref.namespace)/\(record.ref.name)\(lineList)"))
            }
        }
        return findings
    }

    private static func finding(
        _ type: FindingType, _ record: ObjectRecord, service: ServiceKey?, line: Int?, address: String?,
        port: EndpointPort?, _ message: String
    ) -> Finding {
        var source = record.source
        if let line {
            source?.line = line
            source?.column = 1
        }
        return Finding(
            type: type, service: service, object: record.ref, address: address, port: port?.port,
            protocol: port.map(\.effectiveProtocol), portName: port?.name, source: source, message: message)
    }
}
