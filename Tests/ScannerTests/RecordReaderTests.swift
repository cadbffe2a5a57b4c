import BinaryCoding
import Foundation
import Manifests
import Testing

@testable import Scanner

/// The hand-written record reader of warm scans gives exactly what `BinaryDecoder` gives, knows
/// every stored property of the types it reads, and refuses (never traps on) what it does not know.
@Suite struct RecordReaderTests {
    static let meta = ObjectMeta(
        name: "orders-db", namespace: "shop", labels: ["kubernetes.io/service-name": "orders-db", "team": "a"],
        annotations: ["note": "x"], resourceVersion: "12", uid: "u-1", creationTimestamp: "2026-01-02T03:04:05Z")

    /// Every field of every type set, and the same with every optional left out.
    static var records: [ObjectRecord] {
        let service = Service(
            metadata: meta, type: "ExternalName", externalName: "db.example", selector: ["app": "db"],
            ports: [
                ServicePort(name: "pg", port: 5432, protocol: "TCP", targetPort: "pg", appProtocol: "postgresql"),
                ServicePort(port: 80),
            ], clusterIPs: ["10.96.0.10", "fd00::10"])
        let endpoints = Endpoints(
            metadata: meta,
            subsets: [
                EndpointSubset(
                    addresses: [
                        EndpointAddress(ip: "192.0.2.1", hostname: "a", nodeName: "n1", line: 7),
                        EndpointAddress(ip: "192.0.2.2"),
                    ],
                    notReadyAddresses: [EndpointAddress(ip: "192.0.2.3", line: 9)],
                    ports: [
                        EndpointPort(name: "pg", port: 5432, protocol: "UDP", appProtocol: "x", line: 11),
                        EndpointPort(port: nil),
                    ])
            ])
        let slice = EndpointSlice(
            metadata: meta, addressType: "IPv4",
            endpoints: [
                SliceEndpoint(
                    addresses: ["192.0.2.1", "192.0.2.9"],
                    conditions: EndpointConditions(ready: true, serving: false, terminating: true), hostname: "h",
                    nodeName: "n", zone: "z", line: 3),
                SliceEndpoint(addresses: []),
            ], ports: [EndpointPort(name: "", port: 1, line: 2)])
        let bareSlice = EndpointSlice(metadata: ObjectMeta(name: "s"), addressType: "FQDN")
        let source = SourceLocation(
            path: "apps/db.yaml", line: 4, column: 3, documentIndex: 2, itemIndex: 5, blobID: "b", commitID: "c")
        let values = [
            ValueOrigin(
                field: "subsets[0].addresses[0].ip", path: "vars.yaml", line: 2, written: "${DB_IP}",
                value: "192.0.2.1",
                variables: [
                    VariableOrigin(
                        name: "DB_IP", source: "ConfigMap/vars", location: "data.DB_IP", isSecret: true, hint: "h"),
                    VariableOrigin(name: "OTHER", source: nil),
                ]),
            ValueOrigin(field: "f", path: "p", line: 1, written: "w", value: nil, variables: []),
        ]
        let rules: [NamespaceRule?] = [
            nil, .metadata, .defaultNamespace, .kustomization(path: "k/kustomization.yaml"),
            .fluxTargetNamespace(kustomization: "flux-system/apps", path: "ks.yaml"),
            .argoDestination(application: "argocd/db", path: "app.yaml"),
        ]
        var records: [ObjectRecord] = []
        for (index, object) in [
            KubeObject.service(service), .endpoints(endpoints), .endpointSlice(slice), .endpointSlice(bareSlice),
            .service(Service(metadata: ObjectMeta(name: "plain"))),
        ].enumerated() {
            for rule in rules {
                records.append(
                    ObjectRecord(
                        object: object, ref: object.ref(), source: index % 2 == 0 ? source : nil, namespaceRule: rule,
                        build: rule == nil ? nil : "kustomization k", values: index == 0 ? values : []))
            }
        }
        return records
    }

    @Test("records read by hand equal what was written and what BinaryDecoder reads")
    func sameAsTheGenericDecoder() throws {
        let records = Self.records
        let bytes = try BinaryEncoder().encode(records)
        #expect(try RecordReader.records(bytes) == records)
        #expect(try BinaryDecoder().decode([ObjectRecord].self, from: bytes) == records)
    }

    @Test("the reader knows every stored property of every type it reads")
    func knowsEveryProperty() throws {
        let record = try #require(Self.records.first { $0.values.count == 2 && $0.source != nil })
        guard case .service(let service) = record.object else { throw Failure("the first record is a Service") }
        let endpoints = try #require(
            Self.records.compactMap { if case .endpoints(let object) = $0.object { object } else { nil } }.first)
        let slice = try #require(
            Self.records.compactMap { if case .endpointSlice(let object) = $0.object { object } else { nil } }.first)
        let samples: [String: Any] = [
            "ObjectRecord": record, "ObjectRef": record.ref, "SourceLocation": try #require(record.source),
            "ValueOrigin": record.values[0], "VariableOrigin": record.values[0].variables[0],
            "ObjectMeta": service.metadata, "Service": service, "ServicePort": service.ports[0], "Endpoints": endpoints,
            "EndpointSubset": endpoints.subsets[0], "EndpointAddress": endpoints.subsets[0].addresses[0],
            "EndpointPort": endpoints.subsets[0].ports[0], "EndpointSlice": slice, "SliceEndpoint": slice.endpoints[0],
            "EndpointConditions": slice.endpoints[0].conditions,
        ]
        #expect(Set(samples.keys) == Set(RecordReader.keys.keys))
        for (name, value) in samples {
            let properties = Set(Mirror(reflecting: value).children.compactMap(\.label))
            #expect(properties == RecordReader.keys[name], "\(name): add the new property to RecordReader")
        }
    }

    @Test("a cut or damaged chunk is refused, never a trap; the cache then reads nothing from it")
    func damagedChunks() throws {
        let bytes = try BinaryEncoder().encode(Array(Self.records.prefix(6)))
        for length in 0..<bytes.count {
            #expect((try? RecordReader.records(Array(bytes.prefix(length)))) == nil)
        }
        for index in stride(from: 0, to: bytes.count, by: 3) {
            var damaged = bytes
            damaged[index] ^= 0x5A
            _ = try? RecordReader.records(damaged)
        }
        // Another shape (a key this reader does not know) is refused, for BinaryDecoder to read.
        struct Other: Codable { var object: Int; var extra: String }
        #expect((try? RecordReader.records(try BinaryEncoder().encode([Other(object: 1, extra: "x")]))) == nil)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
