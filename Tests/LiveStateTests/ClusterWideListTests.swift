import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

/// A scope of many namespaces is read with one list per resource over all namespaces, filtered here;
/// where RBAC forbids that, namespace by namespace.
@Suite struct ClusterWideListTests {
    static let scope: Set<String> = ["shop", "payments", "gone"]

    static func read(
        clusterWideFrom: Int, savePath: String? = nil, chunkSize: Int = 500,
        program: (FakeKubernetesAPI) -> Void = { _ in }
    ) async throws -> (LiveSnapshot, [FakeRequest]) {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        program(server)
        let folder = try TempFolder()
        var options = Harness.options(chunkSize: chunkSize, savePath: savePath)
        options.clusterWideFrom = clusterWideFrom
        let source = try Harness.tokenSource(server, in: folder, options: options)
        let snapshot = try await source.read(scope: .only(scope))
        return (snapshot, server.requests)
    }

    static func listed(_ requests: [FakeRequest]) -> Set<String> {
        Set(requests.map(\.path)).subtracting(["/apis/discovery.k8s.io/v1"])
    }

    @Test func manyNamespacesAreReadWithOneListPerResourceAndGiveWhatPerNamespaceListsGive() async throws {
        let (perNamespace, _) = try await Self.read(clusterWideFrom: 0)
        let (clusterWide, requests) = try await Self.read(clusterWideFrom: 3)
        #expect(
            Self.listed(requests) == [
                "/api/v1/endpoints", "/apis/discovery.k8s.io/v1/endpointslices", "/api/v1/services",
            ])
        #expect(clusterWide.records.allSatisfy { Self.scope.contains($0.ref.namespace) })
        #expect(Set(clusterWide.records.map(\.ref)) == Set(perNamespace.records.map(\.ref)))
        #expect(clusterWide.backendSummary == perNamespace.backendSummary)
        #expect(clusterWide.notes == perNamespace.notes)
        #expect(clusterWide.backendSummary["shop/orders-db"] == RecordedCluster.ordersDB)
        #expect(!clusterWide.records.contains { $0.ref.namespace == "storage" })
    }

    @Test func pagesOfTheClusterWideListAreFilteredAsTheyCome() async throws {
        let (perNamespace, _) = try await Self.read(clusterWideFrom: 0)
        let (paged, requests) = try await Self.read(clusterWideFrom: 1, chunkSize: 2)
        #expect(requests.filter { $0.path == "/apis/discovery.k8s.io/v1/endpointslices" }.count > 1)
        #expect(Set(paged.records.map(\.ref)) == Set(perNamespace.records.map(\.ref)))
    }

    @Test func fewerNamespacesThanTheThresholdAreListedOneByOne() async throws {
        let (_, requests) = try await Self.read(clusterWideFrom: 4)
        #expect(Self.listed(requests).count == 9)
        #expect(Self.listed(requests).contains("/api/v1/namespaces/gone/services"))
    }

    @Test func aForbiddenClusterWideListFallsBackToListsPerNamespaceWithANote() async throws {
        let (perNamespace, _) = try await Self.read(clusterWideFrom: 0)
        let (fallback, requests) = try await Self.read(clusterWideFrom: 2) { server in
            server.on("/api/v1/services", respond: .recorded("error-403-reader-all"))
        }
        #expect(Self.listed(requests).contains("/api/v1/services"))
        #expect(Self.listed(requests).contains("/api/v1/namespaces/shop/services"))
        #expect(Self.listed(requests).contains("/apis/discovery.k8s.io/v1/namespaces/payments/endpointslices"))
        #expect(Set(fallback.records.map(\.ref)) == Set(perNamespace.records.map(\.ref)))
        #expect(fallback.backendSummary == perNamespace.backendSummary)
        #expect(
            fallback.notes.contains(
                "listing services in all namespaces is forbidden (403): read namespace by namespace instead (3 namespaces)"
            ))
        #expect(fallback.failedNamespaces.isEmpty)
    }

    @Test func theSavedSnapshotHoldsOnlyTheScopesObjects() async throws {
        let folder = try TempFolder()
        let path = folder.file("live.json")
        _ = try await Self.read(clusterWideFrom: 1, savePath: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"namespace\": \"shop\"") || text.contains("\"namespace\":\"shop\""))
        #expect(!text.contains("\"storage\""))
    }
}
