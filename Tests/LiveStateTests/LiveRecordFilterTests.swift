import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

/// A check's live read leaves out, as it reads, the Endpoints and EndpointSlices of Services that
/// the endpoint controllers back and git does not define; what it leaves out is exactly what
/// `ServiceInventory.comparableLiveRecords` would have dropped, so the comparison sees the same.
@Suite struct LiveRecordFilterTests {
    static let scope: Set<String> = ["shop", "payments"]
    /// shop/orders-db is in git; shop/web (a selector Service with controller-written Endpoints
    /// and slices in the recording) is not.
    static let desired: Set<ServiceKey> = [ServiceKey(namespace: "shop", name: "orders-db")]

    static func read(
        clusterWideFrom: Int, filter: LiveRecordFilter?, savePath: String? = nil,
        program: (FakeKubernetesAPI) -> Void = { _ in }
    ) async throws -> (LiveSnapshot, [FakeRequest]) {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        program(server)
        let folder = try TempFolder()
        var options = Harness.options(savePath: savePath)
        options.clusterWideFrom = clusterWideFrom
        let source = try Harness.tokenSource(server, in: folder, options: options)
        let snapshot =
            if let filter {
                try await source.read(scope: .only(scope), keeping: filter)
            } else {
                try await source.read(scope: .only(scope))
            }
        return (snapshot, server.requests)
    }

    /// A desired inventory naming the `desired` Services (their live records stand in for git's).
    static func desiredInventory(_ snapshot: LiveSnapshot) -> ServiceInventory {
        ServiceInventory(records: snapshot.records.filter { $0.serviceKey.map(desired.contains) ?? false })
    }

    /// The inventory a filtered read built as it read is the one a check would build from its
    /// records (`LiveSnapshot.liveInventory`): the same entries, records in the same order, the same
    /// backends from the same places.
    static func expectBuiltInventory(
        _ snapshot: LiveSnapshot, sourceLocation: Testing.SourceLocation = #_sourceLocation
    )
        throws
    {
        let digest = try #require(snapshot.serviceDigest, sourceLocation: sourceLocation)
        let built = try #require(snapshot.liveInventory, sourceLocation: sourceLocation)
        let expected = ServiceInventory(
            records: ServiceInventory.comparableLiveRecords(snapshot.records, backed: digest.backed))
        #expect(built.entries.map(\.key) == expected.entries.map(\.key), sourceLocation: sourceLocation)
        for (entry, other) in zip(built.entries, expected.entries) {
            #expect(entry.records == other.records, "\(entry.key)", sourceLocation: sourceLocation)
            #expect(entry.backends == other.backends, "\(entry.key)", sourceLocation: sourceLocation)
            for key in entry.backends.keys {
                #expect(
                    entry.backends.origins(of: key) == other.backends.origins(of: key), sourceLocation: sourceLocation)
            }
        }
        #expect(built.unlinked == expected.unlinked, sourceLocation: sourceLocation)
    }

    @Test(arguments: [0, 1])
    func theFilteredReadLeavesOutOnlyWhatTheComparisonDrops(clusterWideFrom: Int) async throws {
        let (whole, _) = try await Self.read(clusterWideFrom: clusterWideFrom, filter: nil)
        let (filtered, requests) = try await Self.read(
            clusterWideFrom: clusterWideFrom, filter: LiveRecordFilter(desired: Self.desired))
        let backed = ServiceInventory.controllerBackedServices(whole.records, desired: Self.desired.contains)
        #expect(backed.contains(ServiceKey(namespace: "shop", name: "web")))
        #expect(!backed.contains(ServiceKey(namespace: "shop", name: "orders-db")))
        // The digest stands for every Service read: the backed ones and every cluster IP.
        let digest = try #require(filtered.serviceDigest)
        #expect(digest.backed == backed)
        #expect(digest.clusterIPs == ServiceDigest.clusterIPs(of: whole.records))
        #expect(!digest.clusterIPs.isEmpty)
        #expect(whole.serviceDigest == nil)

        let left = whole.records.filter(digest.leavesOut)
        #expect(left.contains { $0.ref == ObjectRef(kind: .endpoints, namespace: "shop", name: "web") })
        #expect(left.contains { $0.ref.kind == .endpointSlice && $0.serviceKey?.name == "web" })
        #expect(left.contains { $0.ref == ObjectRef(kind: .service, namespace: "shop", name: "web") })
        #expect(!left.contains { $0.serviceKey == ServiceKey(namespace: "shop", name: "orders-db") })
        // Exactly those are gone, in the same order otherwise.
        #expect(filtered.records == whole.records.filter { !digest.leavesOut($0) })
        #expect(filtered.records.count < whole.records.count)
        #expect(filtered.notes == whole.notes)
        try Self.expectBuiltInventory(filtered)
        #expect(filtered.liveInventory?.count ?? 0 > 0)
        #expect(whole.liveInventory == nil)
        // What the comparison takes is the same.
        let inventory = Self.desiredInventory(whole)
        #expect(
            ServiceInventory.comparableLiveRecords(filtered.records, backed: digest.backed)
                == ServiceInventory.comparableLiveRecords(whole.records, desired: inventory))
        // One list per resource and scope, as without the filter.
        #expect(requests.count { $0.path.hasSuffix("/services") } == (clusterWideFrom == 0 ? 2 : 1))
    }

    /// The Services' list failing fails the read with its own error, whatever the others did; a
    /// 403 on a list over all namespaces still falls back to lists per namespace.
    @Test func aFailedServicesListIsTheReadsError() async throws {
        let filter = LiveRecordFilter(desired: Self.desired)
        await #expect(throws: LiveError.self) {
            _ = try await Self.read(clusterWideFrom: 1, filter: filter) { server in
                server.on("/api/v1/services", respond: .status(500, reason: "InternalError", message: "etcd"))
            }
        }
        do {
            _ = try await Self.read(clusterWideFrom: 1, filter: filter) { server in
                server.on("/api/v1/services", respond: .status(500, reason: "InternalError", message: "etcd"))
            }
        } catch let error as LiveError {
            #expect(error.resource == "services", "\(error)")
        }
        let (whole, _) = try await Self.read(clusterWideFrom: 0, filter: filter)
        let (fallback, requests) = try await Self.read(clusterWideFrom: 1, filter: filter) { server in
            server.on("/api/v1/services", respond: .recorded("error-403-reader-all"))
        }
        #expect(requests.contains { $0.path == "/api/v1/namespaces/shop/services" })
        #expect(fallback.records == whole.records)
        try Self.expectBuiltInventory(fallback)
    }

    @Test func withSaveLiveNothingIsLeftOut() async throws {
        let folder = try TempFolder()
        let (whole, _) = try await Self.read(clusterWideFrom: 1, filter: nil)
        let (saved, _) = try await Self.read(
            clusterWideFrom: 1, filter: LiveRecordFilter(desired: Self.desired), savePath: folder.file("live.json"))
        #expect(saved.records == whole.records)
    }

    @Test(arguments: ["Endpoints", "Service"])
    func aBackedServicesObjectWithTheIgnoreAnnotationIsKept(kind: String) throws {
        let text = """
            apiVersion: v1
            kind: \(kind)
            metadata:
              name: web
              namespace: shop
              annotations:
                endpoint-drift.io/ignore: "stale-backend"
            """
        let plain = text.replacingOccurrences(of: "endpoint-drift.io/ignore", with: "example.com/other")
        let digest = ServiceDigest(backed: [ServiceKey(namespace: "shop", name: "web")], clusterIPs: [:])
        for (source, leftOut) in [(text, false), (plain, true)] {
            let object = try #require(ManifestFileReader.read(source, path: "x.yaml").objects.first?.object)
            let record = ObjectRecord(live: object)
            #expect(digest.leavesOut(record) == leftOut)
            #expect(digest.leavesOut(object) == leftOut)
            #expect(!ServiceDigest(backed: [], clusterIPs: [:]).leavesOut(record))
        }
    }

    /// A read that fails in one namespace keeps nothing of it: not its records, not its Services'
    /// part of the digest; narrowing a snapshot narrows its digest.
    @Test func theDigestKeepsOnlyTheNamespacesKept() {
        let web = ServiceKey(namespace: "shop", name: "web")
        let api = ServiceKey(namespace: "payments", name: "api")
        let digest = ServiceDigest(backed: [web, api], clusterIPs: ["10.0.0.1": web, "10.0.0.2": api])
        let kept = digest.keeping { $0 == "shop" }
        #expect(kept == ServiceDigest(backed: [web], clusterIPs: ["10.0.0.1": web]))
        let snapshot = LiveSnapshot(records: [], observedAt: "", source: "test", serviceDigest: digest)
        #expect(snapshot.narrowed(to: .only(["payments"])).serviceDigest == digest.keeping { $0 == "payments" })
        #expect(snapshot.narrowed(to: .all).serviceDigest == digest)
    }
}
