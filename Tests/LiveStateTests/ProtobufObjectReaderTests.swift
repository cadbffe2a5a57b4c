import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// The hand-written reader of Kubernetes' protobuf encoding (`ProtobufWireReader`,
/// `ProtobufObjectReader`): random objects as the API server writes them read exactly as their JSON
/// does (the protobuf made from the JSON by swift-protobuf, in TestSupport), and the wire format's
/// rules (unknown fields of every type, fields written twice, negative numbers) and faults.
@Suite("Protobuf items read by hand")
struct ProtobufObjectReaderTests {
    static let kinds: [(kind: ObjectKind, resource: APIResource)] = [
        (.service, .services), (.endpoints, .endpoints), (.endpointSlice, .endpointSlices),
    ]

    @Test("random objects read from protobuf exactly as from their JSON, kept and left out", arguments: [1, 2, 3])
    func randomObjectsAgree(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for (kind, resource) in Self.kinds {
            var json: [UInt8] = Array("{\"kind\":\"\(resource.listKind)\",\"metadata\":{},\"items\":[".utf8)
            var raw = ProtobufWire()
            raw.field(1, ProtobufWire.listMeta(resourceVersion: "1", continue: nil, remaining: nil))
            for index in 0..<150 {
                let item = try JSONSerialization.data(
                    withJSONObject: RandomItem.make(kind, index: index, &random), options: [.sortedKeys])
                if index > 0 { json.append(UInt8(ascii: ",")) }
                json += item
                raw.field(2, try ProtobufFixture.item(item, kind: kind.rawValue))
            }
            json += Array("]}".utf8)
            let protobuf = ProtobufWire.envelope(apiVersion: "v1", kind: resource.listKind, raw: raw.bytes)
            let byName: @Sendable (KubeObject) -> Bool = { $0.metadata.name.utf8.count % 2 == 0 }
            // What a check decides by: the service-name label and the ignore annotation.
            let byDecisionFields: @Sendable (KubeObject) -> Bool = {
                ($0.metadata.labels[WellKnown.serviceNameLabel]?.utf8.count ?? 1) % 2 == 0
                    && $0.metadata.annotations[WellKnown.ignoreAnnotation] == nil
            }
            let filters: [(@Sendable (KubeObject) -> Bool)?] = [nil, byName, byDecisionFields]
            for filter in filters {
                let fromJSON = try Self.page(json, resource, leavesOut: filter)
                let fromProtobuf = try Self.page(protobuf, resource, leavesOut: filter)
                #expect(fromJSON.problems.isEmpty && fromProtobuf.problems.isEmpty, "\(fromProtobuf.problems)")
                #expect(fromProtobuf.records.count == (filter == nil ? 150 : fromJSON.records.count))
                for (one, other) in zip(fromJSON.records, fromProtobuf.records) where one.object != other.object {
                    Issue.record("seed \(seed), \(kind): JSON \(one.object)\nprotobuf \(other.object)")
                    break
                }
                #expect(fromJSON.records.map(\.object) == fromProtobuf.records.map(\.object))
            }
        }
    }

    /// A check's Services list reads the Services it will drop thin: what it keeps, and the digest
    /// of every Service, are those of the whole read.
    @Test("Services read thin give the digest and the kept records a whole read gives", arguments: [1, 2, 3])
    func thinServicesAgree(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var raw = ProtobufWire()
        raw.field(1, ProtobufWire.listMeta(resourceVersion: "1", continue: nil, remaining: nil))
        for index in 0..<300 {
            let item = try JSONSerialization.data(
                withJSONObject: RandomItem.make(.service, index: index, &random), options: [.sortedKeys])
            raw.field(2, try ProtobufFixture.item(item, kind: "Service"))
        }
        let protobuf = ProtobufWire.envelope(apiVersion: "v1", kind: "ServiceList", raw: raw.bytes)
        let whole = try Self.page(protobuf, .services, leavesOut: nil)
        // Every third Service is in git.
        let desired = Set(
            whole.records.enumerated().filter { $0.offset % 3 == 0 }.compactMap(\.element.serviceKey))
        let inShop: @Sendable (KubeObject) -> Bool = { $0.metadata.namespace == "shop" }
        for leavesOut in [nil, inShop] {
            let reference = try Self.page(protobuf, .services, leavesOut: leavesOut)
            let thin = try protobuf.withUnsafeBytes { buffer in
                try ProtobufListPage(buffer, resource: .services).page(
                    in: buffer, leavesOut: leavesOut, readsThin: APISession.readsThin(unless: desired))
            }
            #expect(thin.problems.isEmpty && reference.problems.isEmpty, "\(thin.problems)")
            #expect(thin.records.count == reference.records.count)
            let digest = ServiceDigest(services: reference.records, desired: desired.contains)
            #expect(ServiceDigest(services: thin.records, desired: desired.contains) == digest)
            #expect(thin.records.filter { !digest.leavesOut($0) } == reference.records.filter { !digest.leavesOut($0) })
            // Some were read thin (and are left out), some whole: in git, annotated, or not backed.
            let readThin = zip(thin.records, reference.records).filter { $0 != $1 }.map(\.0)
            #expect(!readThin.isEmpty)
            #expect(readThin.allSatisfy(digest.leavesOut))
            #expect(thin.records.count > readThin.count)
        }
        #expect(whole.records.count == 300)
    }

    /// A check's Services list hands the Services it drops to the digest as key and cluster IPs
    /// only: taken into a decision in the list's order with the records kept, they give the digest
    /// of the whole read, and the records kept are those a whole read keeps.
    @Test("Services read for the digest only give the whole read's digest and kept records", arguments: [1, 2, 3])
    func digestOnlyServicesAgree(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var raw = ProtobufWire()
        raw.field(1, ProtobufWire.listMeta(resourceVersion: "1", continue: nil, remaining: nil))
        var items: [[String: Any]] = []
        for index in 0..<300 { items.append(RandomItem.make(.service, index: index, &random)) }
        // In the order an API server lists them, so that the decision drops as it goes.
        items.sort {
            let left = $0["metadata"] as? [String: Any] ?? [:]
            let right = $1["metadata"] as? [String: Any] ?? [:]
            return Array("\(left["namespace"] as? String ?? "default")/\(left["name"] as? String ?? "")".utf8)
                .lexicographicallyPrecedes(
                    Array("\(right["namespace"] as? String ?? "default")/\(right["name"] as? String ?? "")".utf8))
        }
        for item in items {
            raw.field(
                2,
                try ProtobufFixture.item(
                    try JSONSerialization.data(withJSONObject: item, options: [.sortedKeys]), kind: "Service"))
        }
        let protobuf = ProtobufWire.envelope(apiVersion: "v1", kind: "ServiceList", raw: raw.bytes)
        let reference = try Self.page(protobuf, .services, leavesOut: nil)
        let desired = Set(
            reference.records.enumerated().filter { $0.offset % 3 == 0 }.compactMap(\.element.serviceKey))
        let digest = ServiceDigest(services: reference.records, desired: desired.contains)
        // Decided on the Services' objects, or on their bytes (`thinsOnBytes`): the same page, also
        // when only some namespaces are kept.
        func read(only: Set<String>?, onBytes: Bool) throws -> ListPage {
            try protobuf.withUnsafeBytes { buffer in
                try ProtobufListPage(buffer, resource: .services).page(
                    in: buffer, leavesOut: APISession.leavesOut(only: only, keep: nil),
                    readsThin: APISession.readsThin(unless: desired), digestsThin: true,
                    thinsOnBytes: onBytes ? APISession.thinsOnBytes(only: only, unless: desired) : nil)
            }
        }
        // Half the namespaces, with or without the Services that name none.
        let some = Set(reference.records.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.ref.namespace))
        for only in [nil, some, some.union([""])] as [Set<String>?] {
            let onObjects = try read(only: only, onBytes: false)
            let onBytes = try read(only: only, onBytes: true)
            #expect(onBytes.records == onObjects.records)
            #expect(onBytes.digestOnly.map(\.before) == onObjects.digestOnly.map(\.before))
            #expect(onBytes.digestOnly.map(\.service.key) == onObjects.digestOnly.map(\.service.key))
            #expect(onBytes.digestOnly.map(\.service.clusterIPs) == onObjects.digestOnly.map(\.service.clusterIPs))
            #expect(onBytes.problems == onObjects.problems)
            if only != nil {
                let kept = onBytes.records.count + onBytes.digestOnly.count
                #expect(kept < reference.records.count && kept > 0)
            }
        }
        let page = try read(only: nil, onBytes: true)
        #expect(page.problems.isEmpty, "\(page.problems)")
        #expect(!page.digestOnly.isEmpty)
        #expect(page.records.count + page.digestOnly.count == reference.records.count)
        // Each is a Service the digest stands for, with the cluster IPs the whole read has.
        let byKey = Dictionary(
            reference.records.compactMap { record in record.serviceKey.map { ($0, record) } },
            uniquingKeysWith: { $1 })
        for (_, service) in page.digestOnly {
            let record = try #require(byKey[service.key])
            #expect(digest.leavesOut(record))
            guard case .service(let whole) = record.object else { continue }
            #expect(service.clusterIPs == whole.clusterIPs)
        }
        let decision = ServiceDecision(desired: desired, streams: true)
        var records = page.records
        decision.absorb(&records, digestOnly: page.digestOnly)
        decision.finish(records)
        #expect(!decision.mayHaveErred)
        #expect(decision.whole == digest)
        #expect(records == reference.records.filter { !digest.leavesOut($0) })
    }

    @Test("unknown fields of every wire type are stepped over, wherever they are")
    func unknownFields() throws {
        var meta = ProtobufWire()
        meta.field(1, "orders-db")
        Self.unknowns(&meta)
        meta.field(3, "shop")
        var address = ProtobufWire()
        Self.unknowns(&address)
        address.field(1, "192.0.2.10")
        var subset = ProtobufWire()
        subset.field(1, address.bytes)
        Self.unknowns(&subset)
        var item = ProtobufWire()
        Self.unknowns(&item)
        item.field(1, meta.bytes)
        item.field(2, subset.bytes)
        Self.unknowns(&item)
        let object = try Self.read(item.bytes, .endpoints)
        guard case .endpoints(let endpoints) = object else {
            Issue.record("not Endpoints: \(String(describing: object))")
            return
        }
        #expect(endpoints.metadata.name == "orders-db" && endpoints.metadata.namespace == "shop")
        #expect(endpoints.subsets.map { $0.addresses.map(\.ip) } == [["192.0.2.10"]])
    }

    @Test("a message written twice is merged, a scalar written twice keeps its last value, numbers keep their sign")
    func protobufRules() throws {
        var first = ProtobufWire()
        first.field(1, "first")
        first.field(3, "shop")
        var second = ProtobufWire()
        second.field(1, "orders-db")
        var label = ProtobufWire()
        label.field(1, "kubernetes.io/service-name")
        label.field(2, "orders-db")
        second.field(11, label.bytes)
        var port = ProtobufWire()
        port.field(3, varint: 80)
        port.field(3, varint: UInt64(bitPattern: -7))  // int32 -7: ten bytes, sign-extended
        var item = ProtobufWire()
        item.field(1, first.bytes)
        item.field(4, "IPv4")
        item.field(1, second.bytes)
        item.field(3, port.bytes)
        let object = try Self.read(item.bytes, .endpointSlice)
        guard case .endpointSlice(let slice) = object else {
            Issue.record("not a slice: \(String(describing: object))")
            return
        }
        #expect(slice.metadata.name == "orders-db" && slice.metadata.namespace == "shop")
        #expect(slice.serviceName == "orders-db")
        #expect(slice.ports?.map(\.port) == [-7])
    }

    @Test("broken items are refused with a reason, never read past their end")
    func faults() {
        var wrongType = ProtobufWire()
        wrongType.field(1, varint: 5)  // metadata as a number
        var group = ProtobufWire()
        group.varint(1 << 3 | 3)  // a group: Kubernetes writes none
        var long = ProtobufWire()
        long.varint(99 << 3)  // an unknown varint field, its value eleven bytes long
        long.append([UInt8](repeating: 0xFF, count: 10) + [0x01])
        var past = ProtobufWire()
        past.varint(1 << 3 | 2)
        past.varint(1000)
        past.append([1, 2, 3])
        var badText = ProtobufWire()
        badText.field(1, [0xC3, 0x28])  // not UTF-8
        var meta = ProtobufWire()
        meta.field(1, badText.bytes)
        var noName = ProtobufWire()
        noName.field(1, [UInt8]())
        var cutFixed = ProtobufWire()
        cutFixed.varint(9 << 3 | 1)
        cutFixed.append([1, 2, 3])
        let cases: [(ProtobufWire, String)] = [
            (wrongType, "wire type 0"), (group, "wire type 3"), (long, "longer than 64 bits"),
            (past, "runs past the end"), (meta, "not valid UTF-8"), (noName, "metadata.name is required"),
            (cutFixed, "cut off"),
        ]
        for (wire, reason) in cases {
            for (kind, _) in Self.kinds {
                do {
                    let object = try Self.read(wire.bytes, kind)
                    Issue.record("\(kind) \(wire.bytes) read as \(String(describing: object))")
                } catch {
                    #expect(error.message.contains(reason), "\(kind): \(error.message)")
                }
            }
        }
    }

    // MARK: Helpers

    static func read(_ bytes: [UInt8], _ kind: ObjectKind) throws(ProtobufWireReader.Failure) -> KubeObject? {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(ProtobufWireReader.Failure) in
                try ProtobufObjectReader().read(ProtobufWireReader(buffer), kind: kind)
            }
        }
        return try result.get()
    }

    static func page(
        _ bytes: [UInt8], _ resource: APIResource, leavesOut: (@Sendable (KubeObject) -> Bool)?
    ) throws -> ListPage {
        try bytes.withUnsafeBytes { buffer in
            if buffer.starts(with: ProtobufEnvelope.magic) {
                return try ProtobufListPage(buffer, resource: resource).page(in: buffer, leavesOut: leavesOut)
            }
            return try ListPage.parse(buffer, resource: resource, keepDocuments: false, leavesOut: leavesOut)
        }
    }

    /// One unknown field of each wire type: varint, fixed64, length-delimited, fixed32.
    static func unknowns(_ wire: inout ProtobufWire) {
        wire.field(90, varint: 300)
        wire.varint(91 << 3 | 1)
        wire.append([UInt8](repeating: 0xAB, count: 8))
        wire.field(92, "skipped")
        wire.varint(93 << 3 | 5)
        wire.append([UInt8](repeating: 0xCD, count: 4))
    }
}

/// Random Services, Endpoints and EndpointSlices written as the API server writes them in JSON:
/// empty strings and empty lists left out where its Go types say `omitempty`, kept where a field
/// is a pointer, plus fields a check never reads (managed fields, status, target references).
enum RandomItem {
    static func make(_ kind: ObjectKind, index: Int, _ random: inout SplitMix64) -> [String: Any] {
        var item: [String: Any] = ["metadata": metadata(index: index, &random)]
        switch kind {
        case .service:
            if Bool.random(using: &random) { item["spec"] = serviceSpec(&random) }
            if Bool.random(using: &random) { item["status"] = ["loadBalancer": [String: Any]()] }
        case .endpoints:
            let subsets = (0..<Int.random(in: 0...2, using: &random)).map { _ in subset(&random) }
            if !subsets.isEmpty { item["subsets"] = subsets }
        case .endpointSlice:
            item["addressType"] = ["IPv4", "IPv6", "FQDN"].randomElement(using: &random)
            let endpoints = (0..<Int.random(in: 0...3, using: &random)).map { _ in sliceEndpoint(&random) }
            if !endpoints.isEmpty { item["endpoints"] = endpoints }
            if Bool.random(using: &random) {
                item["ports"] = (0..<Int.random(in: 1...2, using: &random)).map { _ in slicePort(&random) }
            }
        }
        return item
    }

    static func metadata(index: Int, _ random: inout SplitMix64) -> [String: Any] {
        var meta: [String: Any] = ["name": "\(word(&random))-\(index)"]
        maybe(&meta, "namespace", word(&random), &random)
        maybe(&meta, "uid", "\(UInt32.random(in: 0...UInt32.max, using: &random))-uid", &random)
        maybe(&meta, "resourceVersion", String(Int.random(in: 1...99_999_999, using: &random)), &random)
        if Bool.random(using: &random) {
            let seconds = Int.random(in: 0...4_000_000_000, using: &random)
            meta["creationTimestamp"] = RFC3339.format(seconds: Int64(seconds))
        }
        for key in ["labels", "annotations"] where Bool.random(using: &random) {
            var map: [String: String] = [:]
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                map["example.com/\(word(&random))"] = Bool.random(using: &random) ? "" : word(&random)
            }
            if Bool.random(using: &random) {
                map[key == "labels" ? WellKnown.serviceNameLabel : WellKnown.ignoreAnnotation] = word(&random)
            }
            meta[key] = map
        }
        if Bool.random(using: &random) {
            meta["managedFields"] = [
                [
                    "manager": "kubectl", "operation": "Update", "apiVersion": "v1",
                    "time": "2026-01-02T03:04:05Z", "fieldsType": "FieldsV1",
                    "fieldsV1": ["f:metadata": ["f:labels": [".": [String: Any]()]]],
                ]
            ]
        }
        return meta
    }

    static func serviceSpec(_ random: inout SplitMix64) -> [String: Any] {
        var spec: [String: Any] = [:]
        maybe(&spec, "type", ["ClusterIP", "ExternalName", "NodePort"].randomElement(using: &random) ?? "", &random)
        maybe(&spec, "externalName", "\(word(&random)).example.com", &random)
        if Bool.random(using: &random) { spec["selector"] = ["app": word(&random)] }
        maybe(&spec, "clusterIP", Bool.random(using: &random) ? "None" : ip(&random), &random)
        if Bool.random(using: &random) {
            spec["clusterIPs"] = (0..<Int.random(in: 1...2, using: &random)).map { _ in ip(&random) }
        }
        let ports: [[String: Any]] = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            var port: [String: Any] = ["port": Int.random(in: 1...65535, using: &random)]
            maybe(&port, "name", word(&random), &random)
            maybe(&port, "protocol", Bool.random(using: &random) ? "TCP" : "UDP", &random)
            maybe(&port, "appProtocol", Bool.random(using: &random) ? "" : "https", &random)
            if Bool.random(using: &random) {
                port["targetPort"] =
                    Bool.random(using: &random) ? Int.random(in: 1...65535, using: &random) : word(&random)
            }
            return port
        }
        if !ports.isEmpty { spec["ports"] = ports }
        return spec
    }

    static func subset(_ random: inout SplitMix64) -> [String: Any] {
        var subset: [String: Any] = [:]
        for key in ["addresses", "notReadyAddresses"] {
            let addresses: [[String: Any]] = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                var address: [String: Any] = ["ip": ip(&random)]
                maybe(&address, "hostname", word(&random), &random)
                maybe(&address, "nodeName", Bool.random(using: &random) ? "" : word(&random), &random)
                if Bool.random(using: &random) { address["targetRef"] = ["kind": "Pod", "name": word(&random)] }
                return address
            }
            if !addresses.isEmpty { subset[key] = addresses }
        }
        let ports: [[String: Any]] = (0..<Int.random(in: 0...2, using: &random)).map { _ in
            var port: [String: Any] = ["port": Int.random(in: 1...65535, using: &random)]
            maybe(&port, "name", word(&random), &random)
            maybe(&port, "protocol", "UDP", &random)
            maybe(&port, "appProtocol", "postgresql", &random)
            return port
        }
        if !ports.isEmpty { subset["ports"] = ports }
        return subset
    }

    static func sliceEndpoint(_ random: inout SplitMix64) -> [String: Any] {
        var endpoint: [String: Any] = [
            "addresses": (0..<Int.random(in: 1...2, using: &random)).map { _ in ip(&random) }
        ]
        if Bool.random(using: &random) {
            var conditions: [String: Any] = [:]
            for key in ["ready", "serving", "terminating"] where Bool.random(using: &random) {
                conditions[key] = Bool.random(using: &random)
            }
            endpoint["conditions"] = conditions
        }
        for key in ["hostname", "nodeName", "zone"] {
            maybe(&endpoint, key, Bool.random(using: &random) ? "" : word(&random), &random)
        }
        if Bool.random(using: &random) { endpoint["targetRef"] = ["kind": "Pod", "name": word(&random)] }
        return endpoint
    }

    static func slicePort(_ random: inout SplitMix64) -> [String: Any] {
        var port: [String: Any] = [:]
        maybe(&port, "port", Int.random(in: 1...65535, using: &random), &random)
        maybe(&port, "name", Bool.random(using: &random) ? "" : word(&random), &random)
        maybe(&port, "protocol", Bool.random(using: &random) ? "TCP" : "SCTP", &random)
        maybe(&port, "appProtocol", "kubernetes.io/h2c", &random)
        return port
    }

    static func maybe(_ map: inout [String: Any], _ key: String, _ value: Any, _ random: inout SplitMix64) {
        if Bool.random(using: &random) { map[key] = value }
    }

    static func word(_ random: inout SplitMix64) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String(
            (0..<Int.random(in: 1...20, using: &random)).map { _ in letters.randomElement(using: &random) ?? "a" })
    }

    static func ip(_ random: inout SplitMix64) -> String {
        (0..<4).map { _ in String(Int.random(in: 0...255, using: &random)) }.joined(separator: ".")
    }
}
