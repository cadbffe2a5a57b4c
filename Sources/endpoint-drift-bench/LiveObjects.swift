/// The cluster side: every live Service, Endpoints object and EndpointSlice of the world as the API
/// server returns it (metadata, `managedFields`, status), with the drift applied to the external
/// services.
struct LiveObjects {
    enum Resource: Int, CaseIterable {
        // kubectl prints `get endpoints,endpointslices,services` in this order.
        case endpoints, endpointSlices, services

        var fileName: String {
            switch self {
            case .endpoints: "endpoints"
            case .endpointSlices: "endpointslices"
            case .services: "services"
            }
        }

        var kind: String {
            switch self {
            case .endpoints: "Endpoints"
            case .endpointSlices: "EndpointSlice"
            case .services: "Service"
            }
        }

        var apiVersion: String { self == .endpointSlices ? "discovery.k8s.io/v1" : "v1" }
    }

    /// Which world element an object belongs to.
    enum Owner {
        case external(Int)
        case unmanaged(Int)
        case selector(Int)
    }

    /// One object to write, before its content is made.
    struct Descriptor {
        var resource: Resource
        var namespace: String
        var name: String
        var owner: Owner
        /// Which slice of its Service.
        var slice: Int
    }

    let world: BenchWorld

    init(world: BenchWorld) {
        self.world = world
    }

    /// Every live object of one resource, sorted by namespace and name as the API server lists them.
    func descriptors(_ resource: Resource) -> [Descriptor] {
        var result: [Descriptor] = []
        for service in world.externals where service.drift != .missingLive {
            switch resource {
            case .services:
                result.append(
                    Descriptor(
                        resource: resource, namespace: service.namespace, name: service.name,
                        owner: .external(service.index), slice: 0))
            case .endpoints where service.slices == 0:
                result.append(
                    Descriptor(
                        resource: resource, namespace: service.namespace, name: service.name,
                        owner: .external(service.index), slice: 0))
            case .endpointSlices:
                if service.slices == 0 {
                    result.append(
                        Descriptor(
                            resource: resource, namespace: service.namespace,
                            name: Self.generatedName(service.name, 10, UInt64(service.index), 0),
                            owner: .external(service.index), slice: 0))
                } else {
                    for slice in 0..<service.slices {
                        result.append(
                            Descriptor(
                                resource: resource, namespace: service.namespace,
                                name: ExternalManifests.sliceName(service, slice), owner: .external(service.index),
                                slice: slice))
                    }
                }
            default:
                break
            }
        }
        for (index, service) in world.unmanaged.enumerated() {
            let name =
                resource == .endpointSlices ? Self.generatedName(service.name, 11, UInt64(index), 0) : service.name
            result.append(
                Descriptor(
                    resource: resource, namespace: service.namespace, name: name, owner: .unmanaged(index), slice: 0))
        }
        for service in world.selectors {
            if resource == .endpointSlices {
                for slice in service.sliceSizes.indices {
                    result.append(
                        Descriptor(
                            resource: resource, namespace: service.namespace,
                            name: Self.generatedName(service.name, 12, UInt64(service.index), UInt64(slice)),
                            owner: .selector(service.index), slice: slice))
                }
            } else {
                result.append(
                    Descriptor(
                        resource: resource, namespace: service.namespace, name: service.name,
                        owner: .selector(service.index), slice: 0))
            }
        }
        result.sort { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        return result
    }

    static func generatedName(_ base: String, _ parts: UInt64...) -> String {
        var random = SeededGenerator(
            seed: parts.reduce(0x1234) { $0 &* 31 &+ $1 }
                &+ UInt64(truncatingIfNeeded: base.utf8.reduce(0) { $0 &* 131 &+ Int($1) }))
        return "\(base)-\(random.suffix(5))"
    }

    /// The object as the API server has it: `apiVersion`/`kind` are left to the writer (list items
    /// in API answers carry none), `managedFields` is the first metadata member when present.
    func object(_ descriptor: Descriptor) -> [(String, JSONValue)] {
        switch descriptor.owner {
        case .external(let index): return external(world.externals[index], descriptor)
        case .unmanaged(let index): return unmanaged(world.unmanaged[index], index: index, descriptor)
        case .selector(let index): return selector(world.selectors[index], descriptor)
        }
    }

    // MARK: External services

    /// The cluster's addresses and readiness for an external service, with its drift.
    private func liveBackends(_ service: BenchWorld.External) -> [(address: String, ready: Bool)] {
        var backends = service.addresses.enumerated().map { ($0.element, !service.notReady.contains($0.offset)) }
        switch service.drift {
        case .removedAddress: backends.removeFirst()
        case .addedAddress:
            backends.append((BenchWorld.externalAddress(4_000_000 + service.index, service.family), true))
        case .readiness: backends[backends.count - 1].1.toggle()
        default: break
        }
        return backends
    }

    private func livePorts(_ service: BenchWorld.External) -> [BenchWorld.Port] {
        var ports = service.ports
        if service.drift == .portNumber { ports[0].number += 1 }
        return ports
    }

    private func external(_ service: BenchWorld.External, _ descriptor: Descriptor) -> [(String, JSONValue)] {
        var random = SeededGenerator(
            20, UInt64(service.index), UInt64(descriptor.resource.rawValue), UInt64(descriptor.slice))
        let ports = livePorts(service)
        let family = service.family == .ipv4 ? "IPv4" : "IPv6"
        switch descriptor.resource {
        case .services:
            let lastApplied = JSONValue.object(ExternalManifests.desiredService(service)).compactText
            return [
                (
                    "metadata",
                    metadata(
                        &random, descriptor, labels: [("app.kubernetes.io/part-of", "external")],
                        annotations: [
                            ("kubectl.kubernetes.io/last-applied-configuration", lastApplied + "\n"),
                            ("owner", "platform@example.com"),
                        ],
                        manager: "kubectl-client-side-apply")
                ),
                (
                    "spec",
                    serviceSpec(
                        ports: ports.map { ($0.name, $0.number, $0.number, $0.appProtocol) }, selector: nil,
                        clusterIP: BenchWorld.clusterIP(200_000 + service.index), family: family)
                ),
                ("status", .object([("loadBalancer", .object([]))])),
            ]
        case .endpoints:
            let backends = liveBackends(service)
            var subset: [(String, JSONValue)] = []
            let ready = backends.filter(\.ready)
            let notReady = backends.filter { !$0.ready }
            if !ready.isEmpty {
                subset.append(("addresses", .array(ready.map { .object([("ip", .string($0.address))]) })))
            }
            if !notReady.isEmpty {
                subset.append(("notReadyAddresses", .array(notReady.map { .object([("ip", .string($0.address))]) })))
            }
            subset.append(("ports", endpointPorts(ports)))
            return [
                (
                    "metadata",
                    metadata(
                        &random, descriptor, labels: [],
                        annotations: [
                            (
                                "kubectl.kubernetes.io/last-applied-configuration",
                                JSONValue.object(ExternalManifests.desiredEndpoints(service)).compactText + "\n"
                            )
                        ], manager: "kubectl-client-side-apply")
                ),
                ("subsets", .array([.object(subset)])),
            ]
        case .endpointSlices:
            if service.slices == 0 {
                // The mirroring controller's copy of the Endpoints object.
                return [
                    (
                        "metadata",
                        metadata(
                            &random, descriptor,
                            labels: [
                                ("endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io"),
                                ("kubernetes.io/service-name", service.name),
                            ], annotations: [], manager: "endpointslicemirroring-controller",
                            generateName: service.name, owner: ("Endpoints", service.name))
                    ),
                    ("addressType", .string(family)),
                    (
                        "endpoints",
                        .array(
                            liveBackends(service).map {
                                sliceEndpoint(address: $0.address, ready: $0.ready, pod: nil, random: &random)
                            })
                    ),
                    ("ports", endpointPorts(ports, withProtocol: true)),
                ]
            }
            var backends = ExternalManifests.sliceAddresses(service, descriptor.slice).map {
                (service.addresses[$0.index], !service.notReady.contains($0.index))
            }
            if descriptor.slice == 0 {
                // The drift lands in the first slice.
                let all = liveBackends(service)
                switch service.drift {
                case .removedAddress: backends.removeAll { $0.0 == service.addresses[0] }
                case .addedAddress: if let added = all.last { backends.append(added) }
                default: break
                }
            }
            if service.drift == .readiness, let last = service.addresses.last,
                let position = backends.firstIndex(where: { $0.0 == last })
            {
                backends[position].1.toggle()
            }
            return [
                (
                    "metadata",
                    metadata(
                        &random, descriptor,
                        labels: [
                            ("endpointslice.kubernetes.io/managed-by", ExternalManifests.sliceManager),
                            ("kubernetes.io/service-name", service.name),
                        ],
                        annotations: [
                            (
                                "kubectl.kubernetes.io/last-applied-configuration",
                                JSONValue.object(ExternalManifests.desiredSlice(service, descriptor.slice)).compactText
                                    + "\n"
                            )
                        ], manager: "kubectl-client-side-apply")
                ),
                ("addressType", .string(family)),
                (
                    "endpoints",
                    .array(
                        backends.map {
                            .object([
                                ("addresses", .array([.string($0.0)])),
                                ("conditions", .object([("ready", .bool($0.1))])),
                            ])
                        })
                ),
                ("ports", endpointPorts(ports, withProtocol: true)),
            ]
        }
    }

    private func unmanaged(
        _ service: BenchWorld.Unmanaged, index: Int, _ descriptor: Descriptor
    ) -> [(String, JSONValue)] {
        var random = SeededGenerator(21, UInt64(index), UInt64(descriptor.resource.rawValue))
        let ports = [BenchWorld.Port(name: "tcp", number: 7000)]
        switch descriptor.resource {
        case .services:
            return [
                ("metadata", metadata(&random, descriptor, labels: [], annotations: [], manager: "kubectl-create")),
                (
                    "spec",
                    serviceSpec(
                        ports: [("tcp", 7000, 7000, nil)], selector: nil,
                        clusterIP: BenchWorld.clusterIP(300_000 + index), family: "IPv4")
                ),
                ("status", .object([("loadBalancer", .object([]))])),
            ]
        case .endpoints:
            return [
                ("metadata", metadata(&random, descriptor, labels: [], annotations: [], manager: "kubectl-create")),
                (
                    "subsets",
                    .array([
                        .object([
                            ("addresses", .array(service.addresses.map { .object([("ip", .string($0))]) })),
                            ("ports", endpointPorts(ports)),
                        ])
                    ])
                ),
            ]
        case .endpointSlices:
            return [
                (
                    "metadata",
                    metadata(
                        &random, descriptor,
                        labels: [
                            ("endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io"),
                            ("kubernetes.io/service-name", service.name),
                        ], annotations: [], manager: "endpointslicemirroring-controller", generateName: service.name,
                        owner: ("Endpoints", service.name))
                ),
                ("addressType", .string("IPv4")),
                (
                    "endpoints",
                    .array(service.addresses.map { sliceEndpoint(address: $0, ready: true, pod: nil, random: &random) })
                ),
                ("ports", endpointPorts(ports, withProtocol: true)),
            ]
        }
    }

    // MARK: Selector services

    private func selector(_ service: BenchWorld.Selector, _ descriptor: Descriptor) -> [(String, JSONValue)] {
        var random = SeededGenerator(
            22, UInt64(service.index), UInt64(descriptor.resource.rawValue), UInt64(descriptor.slice))
        let hasMetrics = service.index % 2 == 0
        var servicePorts: [(String, Int, Int, String?)] = [("http", 80, 8080, nil)]
        if hasMetrics { servicePorts.append(("metrics", 9090, 9090, nil)) }
        let endpointPortList = servicePorts.map { BenchWorld.Port(name: $0.0, number: $0.2) }
        let labels = [("app.kubernetes.io/name", service.name), ("app.kubernetes.io/instance", service.name)]
        let trigger = [
            (
                "endpoints.kubernetes.io/last-change-trigger-time",
                "2026-11-2\(service.index % 9)T1\(service.index % 10):3\(service.index % 6):4\(service.index % 10)Z"
            )
        ]
        switch descriptor.resource {
        case .services:
            var annotations: [(String, String)] = []
            if service.index % 5 < 2 {
                annotations = [
                    ("meta.helm.sh/release-name", service.name), ("meta.helm.sh/release-namespace", service.namespace),
                ]
            }
            return [
                (
                    "metadata",
                    metadata(
                        &random, descriptor, labels: labels + [("app.kubernetes.io/managed-by", "Helm")],
                        annotations: annotations, manager: "helm")
                ),
                (
                    "spec",
                    serviceSpec(
                        ports: servicePorts, selector: service.name, clusterIP: BenchWorld.clusterIP(service.index),
                        family: "IPv4")
                ),
                ("status", .object([("loadBalancer", .object([]))])),
            ]
        case .endpoints:
            var pods: [JSONValue] = []
            var pod = service.firstPod
            for size in service.sliceSizes {
                for _ in 0..<size {
                    pods.append(
                        .object([
                            ("ip", .string(BenchWorld.podAddress(pod))), ("nodeName", .string("node-\(pod % 97)")),
                            ("targetRef", podRef(service, pod, &random)),
                        ]))
                    pod += 1
                }
            }
            return [
                (
                    "metadata",
                    metadata(
                        &random, descriptor, labels: labels, annotations: trigger, manager: "kube-controller-manager")
                ),
                (
                    "subsets",
                    .array([
                        .object([
                            ("addresses", .array(pods)), ("ports", endpointPorts(endpointPortList, withProtocol: true)),
                        ])
                    ])
                ),
            ]
        case .endpointSlices:
            let first = service.firstPod + service.sliceSizes.prefix(descriptor.slice).reduce(0, +)
            let endpoints = (first..<(first + service.sliceSizes[descriptor.slice])).map { pod in
                sliceEndpoint(address: BenchWorld.podAddress(pod), ready: true, pod: (service, pod), random: &random)
            }
            return [
                (
                    "metadata",
                    metadata(
                        &random, descriptor,
                        labels: [
                            ("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"),
                            ("kubernetes.io/service-name", service.name),
                        ] + labels, annotations: trigger, manager: "kube-controller-manager",
                        generateName: service.name, owner: ("Service", service.name))
                ),
                ("addressType", .string("IPv4")),
                ("endpoints", .array(endpoints)),
                ("ports", endpointPorts(endpointPortList, withProtocol: true)),
            ]
        }
    }

    private func podRef(_ service: BenchWorld.Selector, _ pod: Int, _ random: inout SeededGenerator) -> JSONValue {
        .object([
            ("kind", .string("Pod")), ("namespace", .string(service.namespace)),
            ("name", .string("\(service.name)-\(random.suffix(9))-\(random.suffix(5))")),
            ("uid", .string(random.uid())),
        ])
    }

    private func sliceEndpoint(
        address: String, ready: Bool, pod: (BenchWorld.Selector, Int)?, random: inout SeededGenerator
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("addresses", .array([.string(address)])),
            (
                "conditions",
                .object([("ready", .bool(ready)), ("serving", .bool(ready)), ("terminating", .bool(false))])
            ),
        ]
        if let (service, number) = pod {
            members.append(("nodeName", .string("node-\(number % 97)")))
            members.append(("targetRef", podRef(service, number, &random)))
            members.append(("zone", .string("zone-\(["a", "b", "c"][number % 3])")))
        }
        return .object(members)
    }

    // MARK: Parts

    private func serviceSpec(
        ports: [(String, Int, Int, String?)], selector: String?, clusterIP: String, family: String
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            (
                "ports",
                .array(
                    ports.map { name, port, target, appProtocol in
                        var port: [(String, JSONValue)] = [
                            ("name", .string(name)), ("protocol", .string("TCP")), ("port", .int(port)),
                            ("targetPort", .int(target)),
                        ]
                        if let appProtocol { port.append(("appProtocol", .string(appProtocol))) }
                        return .object(port)
                    })
            )
        ]
        if let selector { members.append(("selector", .object([("app.kubernetes.io/name", .string(selector))]))) }
        members += [
            ("clusterIP", .string(clusterIP)), ("clusterIPs", .array([.string(clusterIP)])),
            ("type", .string("ClusterIP")),
            ("sessionAffinity", .string("None")), ("ipFamilies", .array([.string(family)])),
            ("ipFamilyPolicy", .string("SingleStack")), ("internalTrafficPolicy", .string("Cluster")),
        ]
        return .object(members)
    }

    private func endpointPorts(_ ports: [BenchWorld.Port], withProtocol: Bool = true) -> JSONValue {
        .array(
            ports.map { port in
                var members: [(String, JSONValue)] = [("name", .string(port.name)), ("port", .int(port.number))]
                if withProtocol { members.append(("protocol", .string("TCP"))) }
                if let appProtocol = port.appProtocol { members.append(("appProtocol", .string(appProtocol))) }
                return .object(members)
            })
    }

    private func metadata(
        _ random: inout SeededGenerator, _ descriptor: Descriptor, labels: [(String, String)],
        annotations: [(String, String)], manager: String, generateName: String? = nil,
        owner: (kind: String, name: String)? = nil
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [("managedFields", managedFields(manager, descriptor))]
        members.append(("name", .string(descriptor.name)))
        if let generateName { members.append(("generateName", .string(generateName + "-"))) }
        members += [
            ("namespace", .string(descriptor.namespace)), ("uid", .string(random.uid())),
            ("resourceVersion", .string(String(random.int(100_000...99_999_999)))),
            ("generation", .int(1)),
            (
                "creationTimestamp",
                .string(
                    "2026-0\(random.int(1...9))-1\(random.int(0...9))T0\(random.int(0...9)):\(random.int(10...59)):\(random.int(10...59))Z"
                )
            ),
        ]
        if !labels.isEmpty { members.append(("labels", .object(labels.map { ($0.0, .string($0.1)) }))) }
        if !annotations.isEmpty { members.append(("annotations", .object(annotations.map { ($0.0, .string($0.1)) }))) }
        if let owner {
            members.append(
                (
                    "ownerReferences",
                    .array([
                        .object([
                            ("apiVersion", .string("v1")), ("kind", .string(owner.kind)), ("name", .string(owner.name)),
                            ("uid", .string(random.uid())), ("controller", .bool(true)),
                            ("blockOwnerDeletion", .bool(true)),
                        ])
                    ])
                ))
        }
        return .object(members)
    }

    private func managedFields(_ manager: String, _ descriptor: Descriptor) -> JSONValue {
        let fields: [(String, JSONValue)]
        switch descriptor.resource {
        case .services:
            fields = [
                (
                    "f:metadata",
                    .object([("f:labels", .object([(".", .object([])), ("f:app.kubernetes.io/name", .object([]))]))])
                ),
                (
                    "f:spec",
                    .object([
                        ("f:internalTrafficPolicy", .object([])),
                        (
                            "f:ports",
                            .object([
                                (".", .object([])),
                                (
                                    "k:{\"port\":80,\"protocol\":\"TCP\"}",
                                    .object([
                                        (".", .object([])), ("f:name", .object([])), ("f:port", .object([])),
                                        ("f:protocol", .object([])), ("f:targetPort", .object([])),
                                    ])
                                ),
                            ])
                        ), ("f:selector", .object([])), ("f:sessionAffinity", .object([])), ("f:type", .object([])),
                    ])
                ),
            ]
        case .endpoints:
            fields = [
                (
                    "f:metadata",
                    .object([
                        (
                            "f:annotations",
                            .object([
                                (".", .object([])), ("f:endpoints.kubernetes.io/last-change-trigger-time", .object([])),
                            ])
                        ), ("f:labels", .object([(".", .object([]))])),
                    ])
                ), ("f:subsets", .object([])),
            ]
        case .endpointSlices:
            fields = [
                ("f:addressType", .object([])), ("f:endpoints", .object([])),
                (
                    "f:metadata",
                    .object([
                        (
                            "f:annotations",
                            .object([
                                (".", .object([])), ("f:endpoints.kubernetes.io/last-change-trigger-time", .object([])),
                            ])
                        ), ("f:generateName", .object([])),
                        (
                            "f:labels",
                            .object([
                                (".", .object([])), ("f:endpointslice.kubernetes.io/managed-by", .object([])),
                                ("f:kubernetes.io/service-name", .object([])),
                            ])
                        ), ("f:ownerReferences", .object([(".", .object([])), ("k:{\"uid\":\"0\"}", .object([]))])),
                    ])
                ),
                ("f:ports", .object([])),
            ]
        }
        return .array([
            .object([
                ("manager", .string(manager)), ("operation", .string("Update")),
                ("apiVersion", .string(descriptor.resource.apiVersion)), ("time", .string("2026-11-21T11:35:44Z")),
                ("fieldsType", .string("FieldsV1")), ("fieldsV1", .object(fields)),
            ])
        ])
    }
}
