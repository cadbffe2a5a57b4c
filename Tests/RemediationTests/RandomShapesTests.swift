import Foundation
import Manifests
import Remediation
import TestSupport
import Testing

/// Randomized git and live states in every shape issue 17 found trouble with: several services per
/// run, several slices per service, endpoints shared between slices, port-less slices and subsets,
/// unnamed ports, BOM and CRLF files, JSON, flow style, anchors and merge keys, live-only slices and
/// subsets, orphan live Endpoints. For every seed: each file `fix` writes passes the API server's
/// validation, no service reported fixed has drift left (backends or objects), and the lines of
/// unchanged backends and the comments survive. `RANDOM_SHAPES_SEEDS=N` runs N seeds (default 500).
@Suite struct RandomShapesTests {
    static var seedCount: Int {
        Int(ProcessInfo.processInfo.environment["RANDOM_SHAPES_SEEDS"] ?? "") ?? 500
    }

    @Test func everySeedWritesOnlyValidFilesAndFixedMeansFixed() {
        var fixed = 0
        var drifted = 0
        for seed in 1...UInt64(Self.seedCount) {
            var random = SplitMix64(seed: seed &* 7919)
            let world = ShapesWorld.generate(&random)
            let result = FixHarness(files: world.files, live: world.live).run()
            let context =
                "seed \(seed)\n\(world.files.sorted { $0.key < $1.key }.map { "# \($0.key)\n\($0.value)" }.joined(separator: "\n"))\n# live\n\(world.live)"
            for (path, text) in result.edited {
                guard let text else { continue }
                let problems = FixHarness.validationProblems(text, path: path)
                #expect(problems.isEmpty, "\(context)\nthe API server would refuse \(path): \(problems)\n\(text)")
            }
            let drift = Set(FixHarness.remainingDrift(files: world.files, edited: result.edited, live: world.live))
            for outcome in result.output.services where outcome.status == .fixed {
                #expect(!drift.contains(outcome.service), "\(context)\n\(outcome.service) reported fixed but drifts")
            }
            drifted += world.changedServices.count
            fixed += result.output.services.filter { $0.status == .fixed }.count
            // Files of services without drift, and orphans, are not touched.
            for (path, service) in world.fileService where !world.changedServices.contains(service) {
                #expect(result.edited[path] == nil, "\(context)\n\(path) changed, but \(service) has no drift")
            }
            // Comments and the lines of unchanged addresses survive.
            for (path, edited) in result.edited {
                guard let edited, let original = world.files[path] else { continue }
                for marker in world.markers[path] ?? [] {
                    #expect(edited.contains(marker), "\(context)\n\(path) lost \(marker)\n\(edited)")
                }
                for address in world.unchangedAddresses {
                    let before = original.components(separatedBy: address + Self.terminator(path)).count
                    let after = edited.components(separatedBy: address + Self.terminator(path)).count
                    #expect(after >= before, "\(context)\n\(path): a line of unchanged \(address) went\n\(edited)")
                }
            }
        }
        // Most drifted services are fixed: the checks above are not met by fixing nothing.
        #expect(fixed * 10 >= drifted * 7, "\(fixed) of \(drifted) drifted services fixed")
    }

    /// What follows an address in the generated files (so that 10.0.1.2 does not count 10.0.1.23).
    static func terminator(_ path: String) -> String { path.hasSuffix(".json") ? "\"" : "" }
}

/// One generated run: files in git, the live state, and what the checks need to know.
struct ShapesWorld {
    var files: [String: String] = [:]
    var live = ""
    var fileService: [String: String] = [:]
    var markers: [String: [String]] = [:]
    var changedServices: Set<String> = []
    var unchangedAddresses: Set<String> = []

    struct Port: Hashable {
        var name: String
        var number: Int
    }

    /// One subset or slice: `ports == nil` is port-less (all ports).
    struct Container {
        var name: String
        var ports: [Port]?
        var ready: [String]
        var notReady: [String]
    }

    struct ServiceShape {
        var name: String
        var slices: Bool
        var containers: [Container]
    }

    static func generate(_ random: inout SplitMix64) -> ShapesWorld {
        var world = ShapesWorld()
        var pool = (1...60).map { "10.0.\($0 / 20).\($0 % 20 + 10)" }.shuffled(using: &random)
        var liveDocuments: [String] = []
        for index in 0..<Int.random(in: 1...3, using: &random) {
            let name = "s\(index)"
            var shape = ServiceShape(name: name, slices: Bool.random(using: &random), containers: [])
            for position in 0..<Int.random(in: 1...3, using: &random) {
                var addresses: [String] = []
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    if let next = pool.popLast() { addresses.append(next) }
                }
                // An endpoint shared with the previous container (same service).
                if position > 0, Int.random(in: 0...3, using: &random) == 0,
                    let shared = shape.containers[position - 1].ready.first
                {
                    addresses.append(shared)
                }
                let notReady = Int.random(in: 0...3, using: &random) == 0 ? [pool.popLast()].compactMap { $0 } : []
                shape.containers.append(
                    Container(
                        name: "\(name)-\(position)", ports: ports(&random, position: position), ready: addresses,
                        notReady: notReady))
            }
            var live = shape
            mutate(&live, &random, pool: &pool)
            let before = backends(shape)
            let after = backends(live)
            if before != after { world.changedServices.insert(name) }
            for address in Set(before.keys).union(after.keys) where before[address] == after[address] {
                world.unchangedAddresses.insert(address)
            }
            let style = Int.random(in: 0...3, using: &random)
            let path = "\(name)" + (style == 3 ? ".json" : ".yaml")
            var text = render(shape, style: style, random: &random, markers: &world.markers[path, default: []])
            if style != 3 && Bool.random(using: &random) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
            if Int.random(in: 0...3, using: &random) == 0 { text = "\u{FEFF}" + text }
            world.files[path] = text
            world.fileService[path] = name
            liveDocuments += renderLive(live)
        }
        // Orphans: live Endpoints whose Service exists nowhere.
        if Bool.random(using: &random), let address = pool.popLast() {
            liveDocuments.append(
                "apiVersion: v1\nkind: Endpoints\nmetadata: {name: orphan, namespace: default}\n"
                    + "subsets: [{addresses: [{ip: \(address)}], ports: [{port: 21, protocol: TCP}]}]\n")
        }
        world.live = liveDocuments.joined(separator: "---\n")
        return world
    }

    /// Unnamed single ports, named pairs, port-less containers; every list one the API server accepts.
    static func ports(_ random: inout SplitMix64, position: Int) -> [Port]? {
        switch Int.random(in: 0...4, using: &random) {
        case 0: return nil
        case 1: return [Port(name: "", number: 6379 + position)]
        case 2:
            return [
                Port(name: "a\(position)", number: 8000 + position),
                Port(name: "b\(position)", number: 9000 + position),
            ]
        default: return [Port(name: "p\(position)", number: 7000 + position * 10)]
        }
    }

    static func mutate(_ service: inout ServiceShape, _ random: inout SplitMix64, pool: inout [String]) {
        for index in service.containers.indices {
            switch Int.random(in: 0...9, using: &random) {
            case 0 where service.containers[index].ready.count > 1:
                service.containers[index].ready.removeLast()
            case 1:
                if let address = pool.popLast() { service.containers[index].ready.append(address) }
            case 2 where !service.containers[index].ready.isEmpty:
                service.containers[index].notReady.append(service.containers[index].ready.removeFirst())
            case 3 where service.containers[index].ports != nil:
                // A renumbered port.
                service.containers[index].ports?[0].number += 100
            case 4 where !service.containers[index].notReady.isEmpty:
                service.containers[index].ready.append(service.containers[index].notReady.removeFirst())
            default:
                break
            }
        }
        if Int.random(in: 0...3, using: &random) == 0, let address = pool.popLast() {
            // A live-only port set: an unnamed port, or a named one.
            let port = Bool.random(using: &random) ? Port(name: "", number: 5000) : Port(name: "extra", number: 5001)
            service.containers.append(
                Container(name: "\(service.name)-live", ports: [port], ready: [address], notReady: []))
        }
    }

    /// Address → its backends (`port/name/ready`), as both sides compute them.
    static func backends(_ service: ServiceShape) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for container in service.containers {
            let ports = container.ports.map { $0.map { "\($0.number)/\($0.name)" } } ?? ["all"]
            for port in ports {
                for address in container.ready { result[address, default: []].insert("\(port)/r") }
                for address in container.notReady { result[address, default: []].insert("\(port)/n") }
            }
        }
        // Ready anywhere is ready (several slices), as BackendSet merges.
        return result.mapValues { entries in
            Set(
                entries.map {
                    $0.hasSuffix("/n") && entries.contains(String($0.dropLast()) + "r")
                        ? String($0.dropLast()) + "r" : $0
                })
        }
    }

    // MARK: Git

    static func render(_ service: ServiceShape, style: Int, random: inout SplitMix64, markers: inout [String]) -> String
    {
        if style == 3 { return renderJSON(service, markers: &markers) }
        let flow = style == 2
        let merge = style == 1
        var documents: [String] = []
        if service.slices {
            for (index, container) in service.containers.enumerated() {
                let marker = "# about \(container.name)"
                markers.append(marker)
                var lines = [marker, "apiVersion: discovery.k8s.io/v1", "kind: EndpointSlice", "metadata:"]
                lines +=
                    merge
                    ? ["  <<: {namespace: default}", "  name: \(container.name)"]
                    : ["  name: \(container.name)", "  namespace: default"]
                lines += ["  labels:", "    kubernetes.io/service-name: \(service.name)", "addressType: IPv4"]
                if let ports = container.ports {
                    lines.append("ports:")
                    for port in ports {
                        lines.append(port.name.isEmpty ? "  - port: \(port.number)" : "  - name: \(port.name)")
                        if !port.name.isEmpty { lines.append("    port: \(port.number)") }
                    }
                }
                lines.append("endpoints:")
                var anchored = false
                for address in container.ready {
                    if flow {
                        lines.append("  - {addresses: [\(address)]}")
                    } else {
                        lines += ["  - addresses:", "      - \(address)"]
                        // An anchor on the first ready endpoint's conditions, aliases on the others.
                        if index % 2 == 0 {
                            lines.append(
                                anchored ? "    conditions: *ok\(index)" : "    conditions: &ok\(index) {ready: true}")
                            anchored = true
                        }
                    }
                }
                for address in container.notReady {
                    lines.append(
                        flow
                            ? "  - {addresses: [\(address)], conditions: {ready: false}}"
                            : "  - addresses: [\(address)]\n    conditions:\n      ready: false")
                }
                documents.append(lines.joined(separator: "\n") + "\n")
            }
            return documents.joined(separator: "---\n")
        }
        let marker = "# about \(service.name)"
        markers.append(marker)
        var lines = [
            marker, "apiVersion: v1", "kind: Endpoints", "metadata:", "  name: \(service.name)", "  namespace: default",
            "subsets:",
        ]
        for container in service.containers {
            var first = true
            for (key, list) in [("addresses", container.ready), ("notReadyAddresses", container.notReady)]
            where !list.isEmpty {
                let lead = first ? "  - " : "    "
                first = false
                if flow {
                    lines.append("\(lead)\(key): [\(list.map { "{ip: \($0)}" }.joined(separator: ", "))]")
                } else {
                    lines.append("\(lead)\(key):")
                    lines += list.map { "      - ip: \($0)" }
                }
            }
            if let ports = container.ports {
                lines.append("    ports:")
                for port in ports {
                    lines.append(
                        port.name.isEmpty
                            ? "      - port: \(port.number)"
                            : "      - name: \(port.name)\n        port: \(port.number)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func renderJSON(_ service: ServiceShape, markers: inout [String]) -> String {
        func ports(_ ports: [Port]) -> String {
            "["
                + ports.map {
                    $0.name.isEmpty ? "{\"port\": \($0.number)}" : "{\"name\": \"\($0.name)\", \"port\": \($0.number)}"
                }.joined(separator: ", ") + "]"
        }
        if service.slices {
            let items = service.containers.map { container in
                var fields = [
                    "\"apiVersion\": \"discovery.k8s.io/v1\"", "\"kind\": \"EndpointSlice\"",
                    "\"metadata\": {\"name\": \"\(container.name)\", \"namespace\": \"default\", \"labels\": {\"kubernetes.io/service-name\": \"\(service.name)\"}}",
                    "\"addressType\": \"IPv4\"",
                ]
                if let list = container.ports { fields.append("\"ports\": \(ports(list))") }
                let endpoints =
                    container.ready.map { "{\"addresses\": [\"\($0)\"]}" }
                    + container.notReady.map { "{\"addresses\": [\"\($0)\"], \"conditions\": {\"ready\": false}}" }
                fields.append("\"endpoints\": [\n        " + endpoints.joined(separator: ",\n        ") + "\n      ]")
                return "    {\n      " + fields.joined(separator: ",\n      ") + "\n    }"
            }
            return "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n"
                + items.joined(separator: ",\n") + "\n  ]\n}\n"
        }
        let subsets = service.containers.map { container in
            var fields: [String] = []
            if !container.ready.isEmpty {
                fields.append(
                    "\"addresses\": [\n          "
                        + container.ready.map { "{\"ip\": \"\($0)\"}" }.joined(separator: ",\n          ")
                        + "\n        ]")
            }
            if !container.notReady.isEmpty {
                fields.append(
                    "\"notReadyAddresses\": ["
                        + container.notReady.map { "{\"ip\": \"\($0)\"}" }.joined(separator: ", ") + "]")
            }
            if let list = container.ports { fields.append("\"ports\": \(ports(list))") }
            return "    {\n        " + fields.joined(separator: ",\n        ") + "\n    }"
        }
        return
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Endpoints\",\n  \"metadata\": {\"name\": \"\(service.name)\", \"namespace\": \"default\"},\n  \"subsets\": [\n"
            + subsets.joined(separator: ",\n") + "\n  ]\n}\n"
    }

    // MARK: Live

    static func renderLive(_ service: ServiceShape) -> [String] {
        func ports(_ ports: [Port]?) -> String {
            guard let ports else { return "" }
            return ", ports: ["
                + ports.map {
                    $0.name.isEmpty
                        ? "{port: \($0.number), protocol: TCP}"
                        : "{name: \($0.name), port: \($0.number), protocol: TCP}"
                }.joined(separator: ", ") + "]"
        }
        if service.slices {
            return service.containers.map { container in
                let endpoints =
                    container.ready.map { "{addresses: [\"\($0)\"], conditions: {ready: true}}" }
                    + container.notReady.map { "{addresses: [\"\($0)\"], conditions: {ready: false}}" }
                return "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                    + "metadata: {name: \(container.name), namespace: default, labels: {kubernetes.io/service-name: \(service.name), endpointslice.kubernetes.io/managed-by: gitops}}\n"
                    + "addressType: IPv4\nendpoints: [\(endpoints.joined(separator: ", "))]\n"
                    + (container.ports == nil ? "" : "ports: [" + ports(container.ports).dropFirst(", ports: [".count))
                    + (container.ports == nil ? "" : "\n")
            }
        }
        let subsets = service.containers.filter { !($0.ready.isEmpty && $0.notReady.isEmpty) }.map { container in
            "{addresses: [\(container.ready.map { "{ip: \($0)}" }.joined(separator: ", "))], notReadyAddresses: [\(container.notReady.map { "{ip: \($0)}" }.joined(separator: ", "))]\(ports(container.ports))}"
        }
        return [
            "apiVersion: v1\nkind: Endpoints\nmetadata: {name: \(service.name), namespace: default}\nsubsets: [\(subsets.joined(separator: ", "))]\n"
        ]
    }
}
