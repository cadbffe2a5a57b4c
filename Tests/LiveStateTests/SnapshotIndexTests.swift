import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// A snapshot file indexed while git is scanned, then narrowed by a check's filter, keeps exactly
/// what a filtered read of the API server keeps: the records `ServiceDigest.leavesOut` does not
/// leave out, in file order, and the digest of every Service in the file.
@Suite struct SnapshotIndexTests {
    /// Objects a filter treats each its own way: a Service with a selector and its controller's
    /// Endpoints and slice; a backed Service's slice with the ignore annotation; a selector-less
    /// Service with hand-written Endpoints and a mirrored slice; an ExternalName Service; a slice
    /// naming no Service; an object of another kind; a Service written twice, the second time
    /// with a selector (the last one decides).
    static let edgeCases = SnapshotStreamTests.kubectlList([
        #"{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"web","namespace":"shop"},"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]}"#,
        #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-a","namespace":"shop","labels":{"kubernetes.io/service-name":"web","endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io"}},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}],"ports":[{"port":80}]}"#,
        #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-b","namespace":"shop","labels":{"kubernetes.io/service-name":"web"},"annotations":{"endpoint-drift.io/ignore":"stale-backend"}},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.2"]}],"ports":[{"port":80}]}"#,
        #"{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"db","namespace":"shop"},"subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":5432}]}]}"#,
        #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"db-m","namespace":"shop","labels":{"kubernetes.io/service-name":"db","endpointslice.kubernetes.io/managed-by":"endpointslicemirroring-controller.k8s.io"}},"addressType":"IPv4","endpoints":[{"addresses":["192.0.2.10"]}],"ports":[{"port":5432}]}"#,
        #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"loose","namespace":"shop"},"addressType":"IPv4","endpoints":[{"addresses":["192.0.2.99"]}],"ports":[{"port":1}]}"#,
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"shop"},"data":{"a":"b"}}"#,
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}],"clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"]}}"#,
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"shop"},"spec":{"ports":[{"port":5432}],"clusterIP":"10.96.0.11","clusterIPs":["10.96.0.11"]}}"#,
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"mail","namespace":"mail"},"spec":{"type":"ExternalName","externalName":"mail.example.com"}}"#,
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"cache","namespace":"shop"},"spec":{"ports":[{"port":6379}],"clusterIP":"10.96.0.12"}}"#,
        #"{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"cache","namespace":"shop"},"subsets":[{"addresses":[{"ip":"10.0.0.7"}],"ports":[{"port":6379}]}]}"#,
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"cache","namespace":"shop"},"spec":{"selector":{"app":"cache"},"ports":[{"port":6379}],"clusterIP":"10.96.0.12"}}"#,
    ])

    /// Writes `text` to a file of a folder that lives as long as the returned value.
    static func file(_ text: String, name: String = "live.json") throws -> (TempFolder, String) {
        let folder = try TempFolder()
        let path = folder.file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (folder, path)
    }

    /// The index against the whole read, for no Service in git, every one, and each alone.
    static func expectSameAsFilteredRead(
        _ path: String, streams: Bool = true, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws {
        let source = SnapshotFileSource(path: path)
        let whole = try await source.read(scope: .all).records
        let index = try await source.index()
        let unfiltered = try index.snapshot(keeping: nil)
        #expect(unfiltered.records == whole, sourceLocation: sourceLocation)
        #expect(unfiltered.serviceDigest == nil, sourceLocation: sourceLocation)
        let services = Set(whole.compactMap { $0.ref.kind == .service ? $0.serviceKey : nil })
        #expect(!services.isEmpty, sourceLocation: sourceLocation)
        for desired in [[], services] + services.sorted().map({ Set([$0]) }) {
            let filter = LiveRecordFilter(desired: desired)
            let filtered = try index.snapshot(keeping: filter)
            guard streams else {
                // Read whole (YAML): everything kept, as before the index.
                #expect(filtered.records == whole, sourceLocation: sourceLocation)
                #expect(filtered.serviceDigest == nil, sourceLocation: sourceLocation)
                continue
            }
            let digest = try #require(filtered.serviceDigest, sourceLocation: sourceLocation)
            #expect(
                digest.backed == ServiceInventory.controllerBackedServices(whole, desired: desired.contains),
                sourceLocation: sourceLocation)
            #expect(digest.clusterIPs == ServiceDigest.clusterIPs(of: whole), sourceLocation: sourceLocation)
            #expect(filtered.records == whole.filter { !digest.leavesOut($0) }, sourceLocation: sourceLocation)
            // The source's own filtered read is the index narrowed to the scope.
            for namespace in Set(whole.map(\.ref.namespace)) {
                let scope = NamespaceScope.only([namespace])
                let read = try await source.read(scope: scope, keeping: filter)
                let narrowed = filtered.narrowed(to: scope)
                #expect(read.records == narrowed.records, sourceLocation: sourceLocation)
                #expect(read.serviceDigest == narrowed.serviceDigest, sourceLocation: sourceLocation)
                #expect(read.records.allSatisfy { $0.ref.namespace == namespace }, sourceLocation: sourceLocation)
            }
        }
    }

    @Test func edgeCasesKeepWhatAFilteredReadKeeps() async throws {
        let (folder, path) = try Self.file(Self.edgeCases)
        try await Self.expectSameAsFilteredRead(path)
        let filtered = try await SnapshotFileSource(path: path).index().snapshot(keeping: LiveRecordFilter(desired: []))
        let names = filtered.records.map { "\($0.ref.kind.rawValue)/\($0.ref.name)" }
        // The controller's objects of web and cache are gone; the ignored slice, db's objects, the
        // slice naming no Service and the ExternalName Service's absence of objects are as read.
        #expect(
            names == [
                "EndpointSlice/web-b", "Endpoints/db", "EndpointSlice/db-m", "EndpointSlice/loose", "Service/db",
            ])
        withExtendedLifetime(folder) {}
    }

    @Test func recordedListsAndTheDemoKeepWhatAFilteredReadKeeps() async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.kubernetesAPI.path)
            .filter { $0.hasPrefix("list-services") && $0.hasSuffix(".body.json") }
        #expect(!names.isEmpty)
        for name in names {
            try await Self.expectSameAsFilteredRead(Fixtures.kubernetesAPI.appendingPathComponent(name).path)
        }
        try await Self.expectSameAsFilteredRead(Fixtures.path("demo/live.json"))
    }

    /// An API list whose items do not say their kind: read again, they are still of the list's kind.
    @Test func kindlessItemsOfATypedListAreReadAgainAsTheListsKind() async throws {
        let text = """
            {"kind":"EndpointsList","apiVersion":"v1","metadata":{},"items":[\
            {"metadata":{"name":"db","namespace":"shop"},"subsets":[{"addresses":[{"ip":"192.0.2.1"}],"ports":[{"port":1}]}]}]}
            """
        let (folder, path) = try Self.file(text)
        let source = SnapshotFileSource(path: path)
        let filtered = try await source.index().snapshot(keeping: LiveRecordFilter(desired: []))
        #expect(filtered.records == (try await source.read(scope: .all).records))
        #expect(filtered.records.map(\.ref.kind) == [.endpoints])
        withExtendedLifetime(folder) {}
    }

    @Test func aYAMLSnapshotIsKeptWhole() async throws {
        let yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: web, namespace: shop}
            subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}]}]
            """
        let (folder, path) = try Self.file(yaml, name: "live.yaml")
        try await Self.expectSameAsFilteredRead(path, streams: false)
        withExtendedLifetime(folder) {}
    }

    /// JSON the stream gives up on partway (a typed list with its keys sorted, as `jq -S` writes
    /// it: `kind` after kind-less items) is read as a tree from the same mapping and kept whole; a
    /// blank file is refused as the whole read refuses it.
    @Test func jsonTheStreamGivesUpOnIsKeptWholeAndABlankFileIsRefused() async throws {
        let nested = """
            {"apiVersion":"v1","items":[
            {"metadata":{"name":"db","namespace":"shop"},"subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":5432}]}]},
            {"metadata":{"name":"web","namespace":"shop"},"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]}
            ],"kind":"EndpointsList","metadata":{"resourceVersion":"7"}}
            """
        let (folder, path) = try Self.file(nested)
        let whole = try await SnapshotFileSource(path: path).read(scope: .all).records
        #expect(
            whole.map(\.ref) == [
                ObjectRef(kind: .endpoints, namespace: "shop", name: "db"),
                ObjectRef(kind: .endpoints, namespace: "shop", name: "web"),
            ])
        let index = try await SnapshotFileSource(path: path).index()
        for filter in [
            nil, LiveRecordFilter(desired: []), LiveRecordFilter(desired: [ServiceKey(namespace: "shop", name: "db")]),
        ] {
            let snapshot = try index.snapshot(keeping: filter)
            #expect(snapshot.records == whole)
            #expect(snapshot.serviceDigest == nil)
        }
        let (blankFolder, blank) = try Self.file(" \n\t\n")
        do {
            _ = try await SnapshotFileSource(path: blank).index()
            Issue.record("no error")
        } catch {
            #expect(error.kind == .snapshotFile)
            #expect(error.message.contains("it is empty"), "\(error)")
            #expect(error.resource == blank)
        }
        withExtendedLifetime((folder, blankFolder)) {}
    }

    /// A file rewritten in place between the two reads gives an error that says so, not the
    /// objects of another file.
    @Test func aFileRewrittenInPlaceIsAnError() async throws {
        let (folder, path) = try Self.file(Self.edgeCases)
        let index = try await SnapshotFileSource(path: path).index()
        // Same length, another name for db's Endpoints: an object a check keeps is read again.
        let text = Self.edgeCases.replacingOccurrences(
            of: #""kind":"Endpoints","metadata":{"name":"db""#, with: #""kind":"Endpoints","metadata":{"name":"dc""#)
        #expect(text != Self.edgeCases)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        do {
            _ = try index.snapshot(keeping: LiveRecordFilter(desired: []))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .snapshotFile)
            #expect(error.message.contains("changed while it was read"), "\(error)")
            #expect(error.resource == path)
        }
        withExtendedLifetime(folder) {}
    }
}
