import Manifests

/// Whole objects as fragments, for new slices, adopted objects and `--to git` manifests. Only the
/// fields a person writes: no status, no server-populated metadata.
enum ObjectRenderer {
    static func fragment(_ object: KubeObject, namespace: String?) -> Fragment {
        switch object {
        case .service(let service): serviceFragment(service, namespace: namespace)
        case .endpoints(let endpoints): endpointsFragment(endpoints, namespace: namespace)
        case .endpointSlice(let slice): sliceFragment(slice, namespace: namespace)
        }
    }

    static func metadata(_ meta: ObjectMeta, namespace: String?) -> Fragment {
        var entries = [Fragment.Entry("name", .string(meta.name))]
        if let namespace { entries.append(Fragment.Entry("namespace", .string(namespace))) }
        if !meta.labels.isEmpty {
            entries.append(
                Fragment.Entry(
                    "labels",
                    .map(meta.labels.sorted { $0.key < $1.key }.map { Fragment.Entry($0.key, .string($0.value)) })))
        }
        if !meta.annotations.isEmpty {
            entries.append(
                Fragment.Entry(
                    "annotations",
                    .map(meta.annotations.sorted { $0.key < $1.key }.map { Fragment.Entry($0.key, .string($0.value)) }))
            )
        }
        return .map(entries)
    }

    static func port(_ port: EndpointPort) -> Fragment {
        var entries: [Fragment.Entry] = []
        if !port.name.isEmpty { entries.append(Fragment.Entry("name", .string(port.name))) }
        if let number = port.port { entries.append(Fragment.Entry("port", .int(number))) }
        entries.append(Fragment.Entry("protocol", .string(port.effectiveProtocol)))
        if let appProtocol = port.appProtocol { entries.append(Fragment.Entry("appProtocol", .string(appProtocol))) }
        return .map(entries)
    }

    static func endpointsFragment(_ endpoints: Endpoints, namespace: String?) -> Fragment {
        let subsets: [Fragment] = endpoints.subsets.map { subset in
            func addresses(_ list: [EndpointAddress]) -> Fragment {
                .seq(
                    list.map { address in
                        var entries = [Fragment.Entry("ip", .string(address.ip))]
                        if let hostname = address.hostname {
                            entries.append(Fragment.Entry("hostname", .string(hostname)))
                        }
                        if let nodeName = address.nodeName {
                            entries.append(Fragment.Entry("nodeName", .string(nodeName)))
                        }
                        return .map(entries)
                    })
            }
            var entries: [Fragment.Entry] = []
            if !subset.addresses.isEmpty { entries.append(Fragment.Entry("addresses", addresses(subset.addresses))) }
            if !subset.notReadyAddresses.isEmpty {
                entries.append(Fragment.Entry("notReadyAddresses", addresses(subset.notReadyAddresses)))
            }
            if !subset.ports.isEmpty { entries.append(Fragment.Entry("ports", .seq(subset.ports.map(port)))) }
            return .map(entries)
        }
        return .map([
            Fragment.Entry("apiVersion", .string("v1")),
            Fragment.Entry("kind", .string("Endpoints")),
            Fragment.Entry("metadata", metadata(endpoints.metadata, namespace: namespace)),
            Fragment.Entry("subsets", .seq(subsets)),
        ])
    }

    static func sliceFragment(_ slice: EndpointSlice, namespace: String?) -> Fragment {
        let endpoints: [Fragment] = slice.endpoints.map { endpoint in
            var entries = [Fragment.Entry("addresses", .seq(endpoint.addresses.map(Fragment.string)))]
            var conditions: [Fragment.Entry] = []
            if let ready = endpoint.conditions.ready { conditions.append(Fragment.Entry("ready", .bool(ready))) }
            if let serving = endpoint.conditions.serving {
                conditions.append(Fragment.Entry("serving", .bool(serving)))
            }
            if let terminating = endpoint.conditions.terminating {
                conditions.append(Fragment.Entry("terminating", .bool(terminating)))
            }
            if !conditions.isEmpty { entries.append(Fragment.Entry("conditions", .map(conditions))) }
            if let hostname = endpoint.hostname { entries.append(Fragment.Entry("hostname", .string(hostname))) }
            if let nodeName = endpoint.nodeName { entries.append(Fragment.Entry("nodeName", .string(nodeName))) }
            if let zone = endpoint.zone { entries.append(Fragment.Entry("zone", .string(zone))) }
            return .map(entries)
        }
        var entries = [
            Fragment.Entry("apiVersion", .string("discovery.k8s.io/v1")),
            Fragment.Entry("kind", .string("EndpointSlice")),
            Fragment.Entry("metadata", metadata(slice.metadata, namespace: namespace)),
            Fragment.Entry("addressType", .string(slice.addressType)),
            Fragment.Entry("endpoints", .seq(endpoints)),
        ]
        if let ports = slice.ports { entries.append(Fragment.Entry("ports", .seq(ports.map(port)))) }
        return .map(entries)
    }

    static func serviceFragment(_ service: Service, namespace: String?) -> Fragment {
        var spec: [Fragment.Entry] = []
        if service.type != "ClusterIP" { spec.append(Fragment.Entry("type", .string(service.type))) }
        if service.clusterIPs.contains("None") { spec.append(Fragment.Entry("clusterIP", .string("None"))) }
        if let externalName = service.externalName {
            spec.append(Fragment.Entry("externalName", .string(externalName)))
        }
        if !service.ports.isEmpty {
            spec.append(
                Fragment.Entry(
                    "ports",
                    .seq(
                        service.ports.map { port in
                            var entries: [Fragment.Entry] = []
                            if !port.name.isEmpty { entries.append(Fragment.Entry("name", .string(port.name))) }
                            entries.append(Fragment.Entry("port", .int(port.port)))
                            entries.append(Fragment.Entry("protocol", .string(port.protocol)))
                            if let target = port.targetPort {
                                entries.append(
                                    Fragment.Entry("targetPort", Int(target).map(Fragment.int) ?? .string(target)))
                            }
                            if let appProtocol = port.appProtocol {
                                entries.append(Fragment.Entry("appProtocol", .string(appProtocol)))
                            }
                            return .map(entries)
                        })))
        }
        return .map([
            Fragment.Entry("apiVersion", .string("v1")),
            Fragment.Entry("kind", .string("Service")),
            Fragment.Entry("metadata", metadata(service.metadata, namespace: namespace)),
            Fragment.Entry("spec", .map(spec)),
        ])
    }

    /// Objects as a YAML stream (documents separated by `---`), or one JSON value (a `List` when more than one).
    public static func file(_ objects: [(KubeObject, String?)], json: Bool, style: FileStyle? = nil) -> [UInt8] {
        let chosen =
            style
            ?? FileStyle(
                json: json, eol: [UInt8(ascii: "\n")], indentStep: 2, sequenceIndent: json ? 2 : 2,
                stringStyle: json ? .doubleQuoted : .plain, jsonMultiline: true)
        let renderer = FragmentRenderer(style: chosen)
        if json {
            let value: Fragment =
                objects.count == 1
                ? fragment(objects[0].0, namespace: objects[0].1)
                : .map([
                    Fragment.Entry("apiVersion", .string("v1")), Fragment.Entry("kind", .string("List")),
                    Fragment.Entry("items", .seq(objects.map { fragment($0.0, namespace: $0.1) })),
                ])
            return Array(renderer.jsonMultiline(value, indent: 0).utf8) + chosen.eol
        }
        var out: [UInt8] = []
        for (index, object) in objects.enumerated() {
            if index > 0 { out += renderer.joinLines(["---"]) }
            guard case .map(let entries) = fragment(object.0, namespace: object.1) else { continue }
            out += renderer.joinLines(renderer.blockMapping(entries, indent: 0))
        }
        return out
    }
}
