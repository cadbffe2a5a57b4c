import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// A check's read decides which Endpoints and slices to leave out while the Services list is still
/// being read, as far as that list (in storage order) has come; what it keeps and leaves out is what
/// the whole digest decides, also when the Services come out of order.
@Suite struct ServiceDecisionTests {
    // MARK: Objects

    static func service(_ namespace: String, _ name: String, backed: Bool) -> String {
        let selector = backed ? ",\"selector\":{\"app\":\"\(name)\"}" : ""
        return """
            {"metadata":{"name":"\(name)","namespace":"\(namespace)","uid":"u-\(name)"},\
            "spec":{"ports":[{"port":80,"protocol":"TCP","targetPort":80}]\(selector),"type":"ClusterIP"}}
            """
    }

    static func endpoints(_ namespace: String, _ name: String) -> String {
        """
        {"metadata":{"name":"\(name)","namespace":"\(namespace)"},\
        "subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":80,"protocol":"TCP"}]}]}
        """
    }

    static func record(_ json: String, kind: String) throws -> ObjectRecord {
        let text = json.replacingOccurrences(
            of: "{\"metadata\"", with: "{\"apiVersion\":\"v1\",\"kind\":\"\(kind)\",\"metadata\"")
        let object = try #require(ManifestFileReader.read(text, path: "live.json").objects.first?.object)
        return ObjectRecord(live: object)
    }

    static func list(_ kind: String, _ items: [String], apiVersion: String = "v1") throws -> PagedList {
        try PagedList(kind: kind, apiVersion: apiVersion, items: items.map { Array($0.utf8) }).withProtobuf()
    }

    // MARK: Order

    @Test func theListOrderIsTheStorageKeysBytes() {
        let namespaces = ["a", "a-b", "a.b", "ab", "a0", "b", "team-000", "team-0001", "z"]
        let names = ["x", "x-1", "x.1", "xa", "y", "auth-00410", "auth-00410-v62tx"]
        let keys = namespaces.flatMap { namespace in names.map { ServiceKey(namespace: namespace, name: $0) } }
        for a in keys {
            for b in keys {
                let bytes = Array("\(a.namespace)/\(a.name)".utf8).lexicographicallyPrecedes(
                    Array("\(b.namespace)/\(b.name)".utf8))
                #expect(ServiceDecision.listOrder(a, b) == bytes, "\(a) < \(b)")
                let onBytes = Array(b.namespace.utf8).withUnsafeBytes { namespace in
                    Array(b.name.utf8).withUnsafeBytes { name in
                        ServiceDecision.precedes(Array("\(a.namespace)/\(a.name)".utf8), namespace, name)
                    }
                }
                #expect(onBytes == bytes, "\(a) < \(b) on bytes")
            }
        }
    }

    // MARK: Decisions

    @Test func anItemIsDecidedOnceTheServicesListHasPassedIt() async throws {
        let decision = ServiceDecision(desired: [ServiceKey(namespace: "shop", name: "db")], streams: true)
        let web = try Self.record(Self.endpoints("shop", "web"), kind: "Endpoints").object
        let db = try Self.record(Self.endpoints("shop", "db"), kind: "Endpoints").object
        let zoo = try Self.record(Self.endpoints("shop", "zoo"), kind: "Endpoints").object
        #expect(!decision.leavesOut(web))
        decision.add([
            try Self.record(Self.service("shop", "db", backed: false), kind: "Service"),
            try Self.record(Self.service("shop", "web", backed: true), kind: "Service"),
        ])
        #expect(decision.leavesOut(web))
        #expect(!decision.leavesOut(db))
        // Not passed yet: kept for now, decided by the whole digest.
        #expect(!decision.leavesOut(zoo))
        await decision.wait(through: ServiceKey(namespace: "shop", name: "web"))
        let waiter = Task { await decision.wait(through: ServiceKey(namespace: "shop", name: "zoo")) }
        decision.add([try Self.record(Self.service("shop", "zoo", backed: true), kind: "Service")])
        await waiter.value
        #expect(decision.leavesOut(zoo))
        #expect(decision.whole == nil)
        let all = try [("db", false), ("web", true), ("zoo", true)].map {
            try Self.record(Self.service("shop", $0.0, backed: $0.1), kind: "Service")
        }
        decision.finish(all)
        #expect(decision.whole == ServiceDigest(services: all, desired: { $0.name == "db" }))
        #expect(!decision.mayHaveErred)
    }

    @Test func anIgnoreAnnotationKeepsTheItem() throws {
        let decision = ServiceDecision(desired: [], streams: true)
        decision.add([try Self.record(Self.service("shop", "web", backed: true), kind: "Service")])
        let annotated = try Self.record(
            Self.endpoints("shop", "web").replacingOccurrences(
                of: "\"namespace\":\"shop\"",
                with: "\"namespace\":\"shop\",\"annotations\":{\"endpoint-drift.io/ignore\":\"stale-backend\"}"),
            kind: "Endpoints")
        #expect(!decision.leavesOut(annotated.object))
    }

    /// A page of Services in order keeps only those the digest does not stand for: the backed ones
    /// not in git and not annotated are dropped, their cluster IPs and backing still in the digest.
    /// Once the list is out of order nothing is dropped, and a drop made before says read again.
    @Test func servicesTheDigestStandsForAreDroppedAtTheirPage() throws {
        let decision = ServiceDecision(desired: [ServiceKey(namespace: "shop", name: "db")], streams: true)
        let annotated = Self.service("shop", "cart", backed: true).replacingOccurrences(
            of: "\"namespace\":\"shop\"",
            with: "\"namespace\":\"shop\",\"annotations\":{\"endpoint-drift.io/ignore\":\"stale-backend\"}")
        let first = try [
            Self.record(annotated, kind: "Service"),
            Self.record(Self.service("shop", "db", backed: true), kind: "Service"),
            Self.record(Self.service("shop", "legacy", backed: false), kind: "Service"),
            Self.record(Self.service("shop", "web", backed: true), kind: "Service"),
        ]
        var records = first
        decision.absorb(&records)
        #expect(records.map(\.ref.name) == ["cart", "db", "legacy"])
        #expect(!decision.mayHaveErred)
        let later = try Self.record(Self.service("shop", "zoo", backed: true), kind: "Service")
        decision.add([later])
        decision.finish(first + [later])
        #expect(decision.whole == ServiceDigest(services: first + [later], desired: { $0.name == "db" }))
        #expect(!decision.mayHaveErred)

        let outOfOrder = ServiceDecision(desired: [], streams: true)
        var page = [try Self.record(Self.service("shop", "web", backed: true), kind: "Service")]
        outOfOrder.absorb(&page)
        #expect(page.isEmpty)
        var next = [try Self.record(Self.service("shop", "api", backed: true), kind: "Service")]
        outOfOrder.absorb(&next)
        #expect(next.count == 1)
        #expect(outOfOrder.mayHaveErred)
    }

    /// Services read for the digest only are taken in at their places among the page's records: in
    /// the list's order they keep it in order; one out of order says read again (it was dropped).
    @Test func servicesForTheDigestOnlyTakeTheirPlaces() throws {
        func thin(_ name: String) -> ProtobufObjectReader.DigestOnly {
            ProtobufObjectReader.DigestOnly(key: ServiceKey(namespace: "shop", name: name), clusterIPs: ["10.96.0.9"])
        }
        let decision = ServiceDecision(desired: [], streams: true)
        var records = try [
            Self.record(Self.service("shop", "b", backed: false), kind: "Service"),
            Self.record(Self.service("shop", "d", backed: false), kind: "Service"),
        ]
        decision.absorb(&records, digestOnly: [(0, thin("a")), (1, thin("c")), (2, thin("e"))])
        #expect(records.map(\.ref.name) == ["b", "d"])
        #expect(!decision.mayHaveErred)
        decision.finish(records)
        let whole = try #require(decision.whole)
        #expect(whole.backed == Set(["a", "c", "e"].map { ServiceKey(namespace: "shop", name: $0) }))
        #expect(whole.clusterIPs["10.96.0.9"] == ServiceKey(namespace: "shop", name: "e"))

        let outOfOrder = ServiceDecision(desired: [], streams: true)
        var page = [try Self.record(Self.service("shop", "b", backed: false), kind: "Service")]
        outOfOrder.absorb(&page, digestOnly: [(1, thin("a"))])
        #expect(outOfOrder.mayHaveErred)
    }

    /// Services out of order: nothing is decided early after that, the whole digest is made from the
    /// records (the last record of a Service decides), and a drop made before says read again.
    @Test func servicesOutOfOrderStopTheEarlyDecisions() throws {
        let decision = ServiceDecision(desired: [], streams: true)
        let backedB = try Self.record(Self.service("shop", "b", backed: true), kind: "Service")
        let a = try Self.record(Self.service("shop", "a", backed: true), kind: "Service")
        let plainB = try Self.record(Self.service("shop", "b", backed: false), kind: "Service")
        let endpointsB = try Self.record(Self.endpoints("shop", "b"), kind: "Endpoints").object
        let endpointsA = try Self.record(Self.endpoints("shop", "a"), kind: "Endpoints").object
        decision.add([backedB])
        #expect(decision.leavesOut(endpointsB))
        decision.add([a])
        #expect(!decision.leavesOut(endpointsA))
        decision.add([plainB])
        #expect(decision.mayHaveErred)
        decision.finish([backedB, a, plainB])
        #expect(!decision.leavesOut(endpointsB))
        #expect(decision.leavesOut(endpointsA))
        #expect(decision.whole?.backed == [ServiceKey(namespace: "shop", name: "a")])
    }

    @Test func aRestartOrSeveralListsDecideNothingEarly() throws {
        let backed = try Self.record(Self.service("shop", "web", backed: true), kind: "Service")
        let web = try Self.record(Self.endpoints("shop", "web"), kind: "Endpoints").object
        let restarted = ServiceDecision(desired: [], streams: true)
        restarted.add([backed])
        restarted.restarted()
        #expect(!restarted.leavesOut(web))
        let several = ServiceDecision(desired: [], streams: false)
        several.add([backed])
        #expect(!several.leavesOut(web))
        several.finish([backed])
        #expect(several.leavesOut(web))
        #expect(!several.mayHaveErred)
    }

    @Test func waitersGoOnWhenTheServicesFail() async {
        let decision = ServiceDecision(desired: [], streams: true)
        let waiters = [ServiceKey(namespace: "a", name: "b"), nil].map { key in
            Task { await decision.wait(through: key) }
        }
        decision.fail()
        for waiter in waiters { await waiter.value }
        #expect(decision.whole == nil)
    }

    /// Endpoints and slices decided on their identity as bytes (`ProtobufObjectReader.decides`) are
    /// decided as on the objects: random items (names, namespaces or none, the service-name label
    /// and the ignore annotation or not), half their Services backed, with the Services list half
    /// read, and read whole; with and without a namespace filter; with the index's hash cut to three
    /// bits too, so that most keys share a hash with others.
    @Test(arguments: [1, 2, 3] as [UInt64], [UInt64.max, 0b111])
    func theDecisionOnBytesIsTheDecisionOnObjects(seed: UInt64, hashMask: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for (kind, resource, listKind) in [
            (ObjectKind.endpoints, APIResource.endpoints, "EndpointsList"),
            (.endpointSlice, .endpointSlices, "EndpointSliceList"),
        ] {
            var raw = ProtobufWire()
            raw.field(1, ProtobufWire.listMeta(resourceVersion: "1", continue: nil, remaining: nil))
            for index in 0..<300 {
                let item = try JSONSerialization.data(
                    withJSONObject: RandomItem.make(kind, index: index, &random), options: [.sortedKeys])
                raw.field(2, try ProtobufFixture.item(item, kind: kind.rawValue))
            }
            let protobuf = ProtobufWire.envelope(apiVersion: "v1", kind: listKind, raw: raw.bytes)
            let whole = try ProtobufObjectReaderTests.page(protobuf, resource, leavesOut: nil)
            let keys = Set(whole.records.compactMap(\.serviceKey)).sorted(by: ServiceDecision.listOrder)
            #expect(keys.count > 50)
            let services = try keys.map { key in
                try Self.record(
                    Self.service(key.namespace, key.name, backed: Bool.random(using: &random)), kind: "Service")
            }
            let decision = ServiceDecision(desired: [], streams: true, hashMask: hashMask)
            decision.add(services[..<(services.count / 2)])
            let namespaces = Set(whole.records.compactMap(\.object.metadata.namespace).prefix(3))
            for state in ["half read", "read"] {
                if state == "read" {
                    decision.add(services[(services.count / 2)...])
                    decision.finish(services)
                }
                for only in [nil, namespaces] {
                    let (onObjects, onBytes) = try protobuf.withUnsafeBytes { buffer in
                        let list = try ProtobufListPage(buffer, resource: resource)
                        return (
                            list.page(in: buffer, leavesOut: APISession.leavesOut(only: only, keep: decision)),
                            list.page(
                                in: buffer, leavesOut: APISession.leavesOut(only: only, keep: decision),
                                decides: APISession.decides(only: only, keep: decision))
                        )
                    }
                    #expect(onBytes.records == onObjects.records, "\(kind) \(state) \(String(describing: only))")
                    #expect(onBytes.problems == onObjects.problems)
                    #expect(onBytes.records.count < whole.records.count)
                }
            }
        }
    }

    /// Random inserts and removals, one at a time and in batches, with the hash cut to two bits
    /// (every key collides): the index holds what a set of the same keys holds, looked up by bytes
    /// one key at a time and a batch at a time.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func theBackedIndexIsASetOfKeys(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let keys = (0..<40).map { ServiceKey(namespace: "team-\($0 % 3)", name: "svc-\($0)") }
        var index = BackedIndex(mask: 0b11)
        var model: Set<ServiceKey> = []
        for round in 0..<400 {
            // A batch may name a key twice: the changes apply in order.
            let count = round % 2 == 0 ? 1 : Int(random.next() % 12)
            var changes: [(key: ServiceKey, backed: Bool)] = []
            for _ in 0..<count {
                changes.append((keys[Int(random.next() % UInt64(keys.count))], random.next() % 3 != 0))
            }
            if count == 1, let change = changes.first {
                if change.backed { index.insert(change.key) } else { index.remove(change.key) }
            } else {
                index.update(changes)
            }
            for change in changes {
                if change.backed { model.insert(change.key) } else { model.remove(change.key) }
            }
            let bytes = keys.map { (Array($0.namespace.utf8), Array($0.name.utf8)) }
            var batch: [Bool] = []
            for (probe, (namespace, name)) in zip(keys, bytes) {
                let found = name.withUnsafeBytes { name in
                    index.contains(
                        namespace: namespace, name: name,
                        hash: BackedIndex.hash(probe.namespace.utf8, probe.name.utf8, mask: 0b11))
                }
                #expect(found == model.contains(probe), "\(probe)")
            }
            // All keys at once, from buffers that live across the call.
            let joined = bytes.flatMap { $0.0 + $0.1 }
            joined.withUnsafeBytes { all in
                var offset = 0
                var probes: [BackedIndex.Probe] = []
                for (namespace, name) in bytes {
                    let namespaceBytes = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + namespace.count)])
                    offset += namespace.count
                    let nameBytes = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + name.count)])
                    offset += name.count
                    probes.append(
                        BackedIndex.Probe(
                            namespace: namespaceBytes, name: nameBytes,
                            hash: BackedIndex.hash(namespace, name, mask: 0b11)))
                }
                batch = index.contains(probes)
            }
            #expect(batch == keys.map(model.contains))
        }
    }

    // MARK: Over the API

    /// Serves `services` and `endpoints` (no slices) in the pages the client asks for, and holds the
    /// Services page at offset `held` until the Endpoints page at offset `until` is asked for (the
    /// gate returned).
    static func serve(
        _ server: FakeKubernetesAPI, services: [String], endpoints: [String], held: Int, until: Int
    ) throws -> FakeGate {
        let services = try list("ServiceList", services)
        let endpoints = try list("EndpointsList", endpoints)
        let gate = FakeGate(opensAt: 2, longest: 60)
        for (path, list, offset) in [("/api/v1/services", services, held), ("/api/v1/endpoints", endpoints, until)] {
            server.on(path, respond: list.response)
            server.on(
                path, query: "continue=\(SyntheticSlices.token(for: offset))", respond: .gated(gate, list.response))
        }
        server.on(
            "/apis/discovery.k8s.io/v1/endpointslices",
            respond: try list("EndpointSliceList", [], apiVersion: "discovery.k8s.io/v1").response)
        return gate
    }

    /// Services `s0…s5` in pages of two (the odd ones backed, none in git) and their Endpoints. The
    /// Services' last page is held until the Endpoints' third page is asked for, which the client
    /// does only after it decided the first: so the Endpoints were decided while the Services list
    /// was still being read. What is kept is what the whole read decides.
    @Test func theEndpointsAreDecidedWhileTheServicesAreRead() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let names = (0..<6).map { "s\($0)" }
        let gate = try Self.serve(
            server, services: names.enumerated().map { Self.service("shop", $1, backed: $0 % 2 == 1) },
            endpoints: names.map { Self.endpoints("shop", $0) }, held: 4, until: 4)
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 2))
        let desired: Set<ServiceKey> = [ServiceKey(namespace: "shop", name: "s0")]
        let snapshot = try await source.read(scope: .all, keeping: LiveRecordFilter(desired: desired))
        #expect(gate.openedAt != nil, "the Endpoints waited for the whole Services list")
        let kept = snapshot.records.filter { $0.ref.kind == .endpoints }.map(\.ref.name)
        #expect(kept == ["s0", "s2", "s4"])
        #expect(
            snapshot.serviceDigest?.backed == Set(["s1", "s3", "s5"].map { ServiceKey(namespace: "shop", name: $0) }))
        try LiveRecordFilterTests.expectBuiltInventory(snapshot)
        #expect(
            snapshot.liveInventory?.keys == Set(["s0", "s2", "s4"].map { ServiceKey(namespace: "shop", name: $0) }))
    }

    /// The Services come out of order after an Endpoints item was left out on them: `shop/b` is
    /// backed on the first page, `shop/a` comes after it, and `shop/b` again, plain, last. The
    /// Services' second page waits for the Endpoints' third, asked for once the first is decided.
    /// Everything is read again, deciding nothing before the Services are read: the Endpoints keep
    /// `shop/b`'s, and the digest is the whole list's.
    @Test func servicesOutOfOrderReadTheEndpointsAgain() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let gate = try Self.serve(
            server,
            services: [
                Self.service("shop", "b", backed: true), Self.service("shop", "a", backed: true),
                Self.service("shop", "b", backed: false),
            ], endpoints: ["b", "c", "d"].map { Self.endpoints("shop", $0) }, held: 1, until: 2)
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 1))
        let snapshot = try await source.read(scope: .all, keeping: LiveRecordFilter(desired: []))
        #expect(gate.openedAt != nil)
        #expect(snapshot.records.filter { $0.ref.kind == .endpoints }.map(\.ref.name) == ["b", "c", "d"])
        #expect(snapshot.serviceDigest?.backed == [ServiceKey(namespace: "shop", name: "a")])
        // Read twice: three pages each time.
        #expect(server.requests.count { $0.path == "/api/v1/endpoints" } == 6)
        #expect(server.requests.count { $0.path == "/api/v1/services" } == 6)
        // The inventory is the second read's.
        try LiveRecordFilterTests.expectBuiltInventory(snapshot)
    }

    /// A list that starts over (410) under a filter: what its first pass gave is not in the records,
    /// so no inventory is handed over as read; a check builds it from the records.
    @Test func aRestartedListHandsOverNoInventory() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        APIReadTests.expireSlicesPageTwoOnce(server)
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 2))
        let filter = LiveRecordFilter(desired: LiveRecordFilterTests.desired)
        let restarted = try await source.read(scope: .all, keeping: filter)
        #expect(server.requests.count { $0.path == "/apis/discovery.k8s.io/v1/endpointslices" } == 6)
        #expect(restarted.liveInventory == nil)

        let plain = try await Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 2))
            .read(scope: .all, keeping: filter)
        #expect(restarted.records == plain.records)
        try LiveRecordFilterTests.expectBuiltInventory(plain)
    }
}
