import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

@Suite("--save-live and --live-file")
struct SnapshotTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder() }

    @Test("--save-live writes kubectl's -o json List, without managedFields, and replays to the same state")
    func saveAndReplay() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let savePath = folder.file("out/live.json")
        let source = try Harness.tokenSource(
            server, in: folder, options: Harness.options(chunkSize: 3, savePath: savePath))
        let snapshot = try await source.read(scope: .all)

        let data = try Data(contentsOf: URL(fileURLWithPath: savePath))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(list["kind"] as? String == "List")
        #expect(list["apiVersion"] as? String == "v1")
        let items = try #require(list["items"] as? [[String: Any]])
        #expect(items.count == 5 + 8 + 8)
        let kinds = items.map { "\($0["apiVersion"] as? String ?? "")/\($0["kind"] as? String ?? "")" }
        #expect(kinds.prefix(5).allSatisfy { $0 == "v1/Endpoints" })
        #expect(kinds.dropFirst(5).prefix(8).allSatisfy { $0 == "discovery.k8s.io/v1/EndpointSlice" })
        #expect(kinds.suffix(8).allSatisfy { $0 == "v1/Service" })
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(!text.contains("managedFields"))
        #expect(
            text.hasPrefix(
                "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"apiVersion\": \"v1\",\n            \"kind\": \"Endpoints\","
            ))
        // Nothing left over from the atomic write.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out")) == ["live.json"])

        let replayed = try await SnapshotFileSource(path: savePath).read(scope: .all)
        #expect(replayed.records == snapshot.records)
        #expect(replayed.backendSummary == snapshot.backendSummary)
        #expect(replayed.source == "file \(savePath)")
    }

    @Test("a failed read writes no snapshot")
    func noSnapshotOnFailure() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on("/api/v1/services", respond: .recorded("error-403-reader-namespace"))
        let savePath = folder.file("live.json")
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(savePath: savePath))
        await #expect(throws: LiveError.self) { try await source.read(scope: .all) }
        #expect(!FileManager.default.fileExists(atPath: savePath))
    }

    @Test("--live-file reads kubectl -o yaml output and filters to the scope")
    func yamlSnapshot() async throws {
        let path = try folder.write(
            "live.yaml",
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Endpoints
              metadata: {name: db, namespace: shop, resourceVersion: "7"}
              subsets:
              - addresses: [{ip: 10.0.0.1}]
                ports: [{port: 5432, protocol: TCP}]
            - apiVersion: discovery.k8s.io/v1
              kind: EndpointSlice
              metadata:
                name: cache-1
                namespace: other
                labels: {kubernetes.io/service-name: cache}
              addressType: IPv4
              endpoints: [{addresses: [10.0.0.9]}]
              ports: [{name: redis, port: 6379}]
            metadata:
              resourceVersion: ""
            """)
        let snapshot = try await SnapshotFileSource(path: path).read(scope: .only(["shop"]))
        #expect(snapshot.backendSummary == ["shop/db": ["10.0.0.1:5432/TCP"]])
        #expect(snapshot.records.first?.object.metadata.resourceVersion == "7")
    }

    @Test("--live-file reads raw API lists (items without kind)")
    func rawAPIList() async throws {
        let snapshot = try await SnapshotFileSource(path: Fixtures.path("k8s-api/list-endpoints-all.body.json")).read(
            scope: .all)
        #expect(snapshot.backendSummary["shop/orders-db"] == RecordedCluster.ordersDB)
    }

    @Test("a file read whole and narrowed to a scope equals the file read for that scope")
    func narrowed() async throws {
        let source = SnapshotFileSource(path: Fixtures.path("demo/live.json"))
        #expect(source.scopeOnlyFilters)
        let all = try await source.read(scope: .all)
        let every = NamespaceScope.only(Set(all.records.map(\.ref.namespace)))
        for scope: NamespaceScope in [.all, every, .only(["shop"]), .only(["shop", "payments"]), .only(["nowhere"])] {
            let read = try await source.read(scope: scope)
            let narrowed = all.narrowed(to: scope)
            #expect(narrowed.records == read.records)
            #expect(narrowed.scope == read.scope)
            #expect(narrowed.source == read.source)
            #expect(narrowed.observedAt == read.observedAt)
        }
    }

    @Test("an unreadable --live-file names the file")
    func unreadableSnapshot() async throws {
        let missing = folder.file("missing.json")
        let error = await #expect(throws: LiveError.self) {
            try await SnapshotFileSource(path: missing).read(scope: .all)
        }
        #expect(error?.kind == .snapshotFile)
        #expect(error?.resource == missing)
        #expect(error?.message.hasPrefix("\(missing) does not exist; pass the output of `kubectl get") == true)

        let blank = try folder.write("blank.json", " \n\t\n")
        let blankError = await #expect(throws: LiveError.self) {
            try await SnapshotFileSource(path: blank).read(scope: .all)
        }
        #expect(blankError?.message.hasPrefix("it is empty") == true)

        let broken = try folder.write("broken.json", "{\"kind\": \"List\", \"items\": [")
        let parseError = await #expect(throws: LiveError.self) {
            try await SnapshotFileSource(path: broken).read(scope: .all)
        }
        #expect(parseError?.operation == "parse")
        #expect(parseError?.message.hasPrefix("\(broken):1:") == true)
    }
}
