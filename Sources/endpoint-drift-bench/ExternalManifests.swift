/// The git side of an external service: one file with its Service and its Endpoints or
/// EndpointSlices, in YAML (with comments, several styles) or as a JSON `List`.
enum ExternalManifests {
    static let sliceManager = "gitops.example.com"

    static func sliceName(_ service: BenchWorld.External, _ slice: Int) -> String {
        "\(service.name)-\(slice + 1)"
    }

    /// The addresses of slice `slice` (addresses are dealt out round-robin).
    static func sliceAddresses(_ service: BenchWorld.External, _ slice: Int) -> [(index: Int, address: String)] {
        service.addresses.enumerated().filter { $0.offset % service.slices == slice }.map { ($0.offset, $0.element) }
    }

    static func file(_ service: BenchWorld.External) -> (name: String, text: String) {
        service.json ? ("\(service.name).json", json(service)) : ("\(service.name).yaml", yaml(service))
    }

    // MARK: YAML

    static func yaml(_ service: BenchWorld.External) -> String {
        let namespaceLine = service.namespaceWritten ? "  namespace: \(service.namespace)\n" : ""
        var text = "# \(service.name): backends outside the cluster, kept by the platform team.\n"
        text += "apiVersion: v1\nkind: Service\nmetadata:\n  name: \(service.name)\n\(namespaceLine)"
        text += "  labels:\n    app.kubernetes.io/part-of: external\n  annotations:\n    owner: platform@example.com\n"
        text += "spec:\n  ports:\n"
        for port in service.ports {
            text += "    - name: \(port.name)\n      port: \(port.number)\n      protocol: TCP\n"
            if let appProtocol = port.appProtocol { text += "      appProtocol: \(appProtocol)\n" }
        }
        if service.slices == 0 {
            text +=
                "---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: \(service.name)\n\(namespaceLine)subsets:\n"
            text += "  - addresses:\n"
            let ready = service.addresses.enumerated().filter { !service.notReady.contains($0.offset) }
            for (position, (_, address)) in ready.enumerated() {
                if position % 4 == 0 { text += "      # rack \(position / 4 + 1)\n" }
                text += "      - ip: \(address)\n"
            }
            let notReady = service.addresses.enumerated().filter { service.notReady.contains($0.offset) }
            if !notReady.isEmpty {
                text += "    notReadyAddresses:\n"
                for (_, address) in notReady { text += "      - ip: \"\(address)\"  # draining\n" }
            }
            text += "    ports:\n"
            for port in service.ports {
                text += "      - name: \(port.name)\n        port: \(port.number)\n"
                if let appProtocol = port.appProtocol { text += "        appProtocol: \(appProtocol)\n" }
            }
            return text
        }
        for slice in 0..<service.slices {
            text += "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n"
            text += "  name: \(sliceName(service, slice))\n\(namespaceLine)  labels:\n"
            text += "    kubernetes.io/service-name: \(service.name)\n"
            text += "    endpointslice.kubernetes.io/managed-by: \(sliceManager)\n"
            text += "addressType: \(service.family == .ipv4 ? "IPv4" : "IPv6")\nports:\n"
            for port in service.ports {
                text += "  - name: \(port.name)\n    port: \(port.number)\n    protocol: TCP\n"
                if let appProtocol = port.appProtocol { text += "    appProtocol: \(appProtocol)\n" }
            }
            text += "endpoints:\n"
            for (index, address) in sliceAddresses(service, slice) {
                if index % 3 == 0 {
                    text += "  - addresses: [\"\(address)\"]\n"
                } else {
                    text += "  - addresses:\n      - \(address)\n"
                }
                text += "    conditions:\n      ready: \(!service.notReady.contains(index))\n"
            }
        }
        return text
    }

    // MARK: JSON

    static func json(_ service: BenchWorld.External) -> String {
        var items: [JSONValue] = [.object(desiredService(service))]
        if service.slices == 0 {
            items.append(.object(desiredEndpoints(service)))
        } else {
            for slice in 0..<service.slices { items.append(.object(desiredSlice(service, slice))) }
        }
        var out: [UInt8] = []
        JSONValue.object([("apiVersion", .string("v1")), ("kind", .string("List")), ("items", .array(items))])
            .pretty(indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func metadata(
        _ service: BenchWorld.External, name: String, labels: [(String, JSONValue)]
    )
        -> JSONValue
    {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if service.namespaceWritten { members.append(("namespace", .string(service.namespace))) }
        if !labels.isEmpty { members.append(("labels", .object(labels))) }
        return .object(members)
    }

    static func portValues(_ service: BenchWorld.External, withProtocol: Bool) -> JSONValue {
        .array(
            service.ports.map { port in
                var members: [(String, JSONValue)] = [("name", .string(port.name)), ("port", .int(port.number))]
                if withProtocol { members.append(("protocol", .string("TCP"))) }
                if let appProtocol = port.appProtocol { members.append(("appProtocol", .string(appProtocol))) }
                return .object(members)
            })
    }

    static func desiredService(_ service: BenchWorld.External) -> [(String, JSONValue)] {
        [
            ("apiVersion", .string("v1")), ("kind", .string("Service")),
            (
                "metadata",
                metadata(service, name: service.name, labels: [("app.kubernetes.io/part-of", .string("external"))])
            ),
            ("spec", .object([("ports", portValues(service, withProtocol: true))])),
        ]
    }

    static func desiredEndpoints(_ service: BenchWorld.External) -> [(String, JSONValue)] {
        let ready = service.addresses.enumerated().filter { !service.notReady.contains($0.offset) }
        let notReady = service.addresses.enumerated().filter { service.notReady.contains($0.offset) }
        var subset: [(String, JSONValue)] = [
            ("addresses", .array(ready.map { .object([("ip", .string($0.element))]) }))
        ]
        if !notReady.isEmpty {
            subset.append(("notReadyAddresses", .array(notReady.map { .object([("ip", .string($0.element))]) })))
        }
        subset.append(("ports", portValues(service, withProtocol: false)))
        return [
            ("apiVersion", .string("v1")), ("kind", .string("Endpoints")),
            ("metadata", metadata(service, name: service.name, labels: [])),
            ("subsets", .array([.object(subset)])),
        ]
    }

    static func desiredSlice(_ service: BenchWorld.External, _ slice: Int) -> [(String, JSONValue)] {
        [
            ("apiVersion", .string("discovery.k8s.io/v1")), ("kind", .string("EndpointSlice")),
            (
                "metadata",
                metadata(
                    service, name: sliceName(service, slice),
                    labels: [
                        ("kubernetes.io/service-name", .string(service.name)),
                        ("endpointslice.kubernetes.io/managed-by", .string(sliceManager)),
                    ])
            ),
            ("addressType", .string(service.family == .ipv4 ? "IPv4" : "IPv6")),
            ("ports", portValues(service, withProtocol: true)),
            (
                "endpoints",
                .array(
                    sliceAddresses(service, slice).map { index, address in
                        .object([
                            ("addresses", .array([.string(address)])),
                            ("conditions", .object([("ready", .bool(!service.notReady.contains(index)))])),
                        ])
                    })
            ),
        ]
    }
}
