import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// Lists in Kubernetes' protobuf encoding (`--kube-api-content-type
/// application/vnd.kubernetes.protobuf`): Kubernetes' own serializations read as their JSON does,
/// content negotiation with the fake API server, and broken answers.
@Suite("Lists in Kubernetes' protobuf encoding")
struct ProtobufListTests {
    struct Sample: Sendable, CustomStringConvertible {
        var file: String
        var resource: APIResource
        var description: String { file }
    }

    static let samples = [
        Sample(file: "core.v1.Service", resource: .services),
        Sample(file: "core.v1.Endpoints", resource: .endpoints),
        Sample(file: "discovery.k8s.io.v1.EndpointSlice", resource: .endpointSlices),
    ]

    /// The fixture as one-item lists in both encodings.
    static func lists(_ sample: Sample) throws -> (json: [UInt8], protobuf: [UInt8]) {
        let folder = Fixtures.path("k8s-protobuf")
        let item = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(sample.file).json"))
        let envelope = try ProtobufFixture.unwrap(
            Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(sample.file).pb"))))
        #expect(envelope.kind == sample.resource.kind.rawValue)
        let apiVersion = envelope.apiVersion
        let listKind = sample.resource.listKind
        let json =
            Array(
                "{\"kind\":\"\(listKind)\",\"apiVersion\":\"\(apiVersion)\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":["
                    .utf8) + Array(item) + Array("]}".utf8)
        var raw = ProtobufWire()
        raw.field(1, ProtobufWire.listMeta(resourceVersion: "7", continue: nil, remaining: nil))
        raw.field(2, envelope.raw)
        return (json, ProtobufWire.envelope(apiVersion: apiVersion, kind: listKind, raw: raw.bytes))
    }

    static func decode(_ bytes: [UInt8], _ resource: APIResource) throws(LiveError) -> ListPageDecoder.Page {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(LiveError) in try ListPageDecoder.decode(buffer, resource: resource) }
        }
        return try result.get()
    }

    @Test("Kubernetes' own protobuf of each kind reads exactly as its JSON does", arguments: samples)
    func kubernetesSerializationsAgree(_ sample: Sample) throws {
        let (json, protobuf) = try Self.lists(sample)
        let fromJSON = try Self.decode(json, sample.resource)
        let fromProtobuf = try Self.decode(protobuf, sample.resource)
        #expect(fromJSON.problems.isEmpty && fromProtobuf.problems.isEmpty)
        let object = try #require(fromProtobuf.objects.first)
        #expect(fromProtobuf.objects == fromJSON.objects)
        // Every field the model keeps was filled in (the fixture names each value after its field).
        #expect(object.metadata.name == "nameValue" && object.metadata.namespace == "namespaceValue")
        #expect(object.metadata.labels == ["labelsKey": "labelsValue"])
        #expect(object.metadata.creationTimestamp == "2008-01-01T01:01:01Z")
        switch object {
        case .service(let service):
            #expect(service.ports.first?.name == "nameValue" && service.externalName == "externalNameValue")
            #expect(!service.selector.isEmpty && !service.clusterIPs.isEmpty)
        case .endpoints(let endpoints):
            #expect(endpoints.subsets.first?.addresses.first?.ip == "ipValue")
            #expect(endpoints.subsets.first?.notReadyAddresses.isEmpty == false)
        case .endpointSlice(let slice):
            #expect(slice.addressType == "addressTypeValue" && slice.ports?.first?.port != nil)
            #expect(slice.endpoints.first?.conditions.ready != nil && slice.endpoints.first?.zone == "zoneValue")
        }
    }

    @Test("times are written as the API server writes them in JSON")
    func timesMatchTheFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var generator = SystemRandomNumberGenerator()
        // 1970, leap days, century years, before 1970, far ahead.
        var seconds: [Int64] = [
            0, -1, 951_782_400, 951_868_800, 4_107_542_400, 1_199_149_261, -86_401, 253_402_300_799,
        ]
        seconds += (0..<500).map { _ in Int64.random(in: -2_000_000_000...8_000_000_000, using: &generator) }
        for value in seconds {
            #expect(
                RFC3339.format(seconds: value) == formatter.string(from: Date(timeIntervalSince1970: Double(value))),
                "\(value)")
        }
        // A date with a fraction of a second, as a snapshot's `observedAt` is made from now.
        for value in seconds.prefix(100) {
            for fraction in [0.001, 0.5, 0.999] {
                let date = Date(timeIntervalSince1970: Double(value) + fraction)
                #expect(RFC3339.format(date) == formatter.string(from: date), "\(value) + \(fraction)")
            }
        }
    }

    @Test("a list served in protobuf reads, page by page, as the same list in JSON")
    func negotiatedPagesAgree() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let list = try PagedList(kind: "EndpointsList", apiVersion: "v1", items: PagedListTests.items(10))
            .withProtobuf()
        server.on("/api/v1/endpoints", respond: list.response)
        let folder = try TempFolder()
        // Protobuf is the default.
        let fromProtobuf = try await Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 3))
            .read(scope: .all)
        let asked = server.requests.filter { $0.path == "/api/v1/endpoints" }
        #expect(asked.count == 4)
        #expect(asked.allSatisfy { $0.header("Accept") == "application/vnd.kubernetes.protobuf, application/json" })
        var json = Harness.options(chunkSize: 3)
        json.protobuf = false
        let fromJSON = try await Harness.tokenSource(server, in: folder, options: json).read(scope: .all)
        #expect(server.requests.filter { $0.path == "/api/v1/endpoints" }.last?.header("Accept") == "application/json")
        let endpoints = fromProtobuf.records.filter { $0.ref.kind == .endpoints }
        #expect(endpoints.map(\.ref.name) == (0..<10).map { "svc-\($0)" })
        #expect(fromProtobuf.records == fromJSON.records)
    }

    @Test("a page's continue token is read from its first bytes: more wanted until the list's metadata is in")
    func headOfAPage() throws {
        let list = try PagedList(kind: "EndpointsList", apiVersion: "v1", items: PagedListTests.items(6)).withProtobuf()
        for (offset, expected) in [(0, SyntheticSlices.token(for: 3)), (3, nil)] as [(Int, String?)] {
            let page = try #require(list.protobufPage(offset: offset, limit: 3))
            let heads = (0...page.count).map { count in
                page.prefix(count).withUnsafeBytes { ProtobufListHead.read($0) }
            }
            // Wanting more, then the token from the first prefix holding the metadata on.
            let first = try #require(heads.firstIndex { $0 != .needMore })
            #expect(first > 8 && first < page.count / 2)
            #expect(heads[first...].allSatisfy { $0 == .token(expected) })
            // The whole page says what the page read says.
            let opened = try page.withUnsafeBytes { try ProtobufListPage($0, resource: .endpoints) }
            #expect(opened.continueToken == expected)
        }
        // Not a protobuf list: read whole.
        #expect(Array("{\"kind\":\"EndpointsList\"".utf8).withUnsafeBytes { ProtobufListHead.read($0) } == .unknown)
        #expect(Array("k8".utf8).withUnsafeBytes { ProtobufListHead.read($0) } == .needMore)
        // A list whose items come before its metadata.
        var raw = ProtobufWire()
        raw.field(2, [0x0A, 0x00])
        let itemsFirst = ProtobufWire.envelope(apiVersion: "v1", kind: "EndpointsList", raw: raw.bytes)
        #expect(itemsFirst.withUnsafeBytes { ProtobufListHead.read($0) } == .unknown)
    }

    /// The first page sends its list metadata and holds its items until the second page is asked
    /// for (the gate), and drops the connection if it never is: a client that waits for a whole page
    /// before asking for the next would see the first page fail.
    @Test("the next page is asked for as soon as a page's metadata is in, before its items")
    func nextPageAskedEarly() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let list = try PagedList(kind: "EndpointsList", apiVersion: "v1", items: PagedListTests.items(6)).withProtobuf()
        let firstPage = try #require(list.protobufPage(offset: 0, limit: 3))
        let head = try #require(
            (0...firstPage.count).first { count in
                firstPage.prefix(count).withUnsafeBytes { ProtobufListHead.read($0) } != .needMore
            })
        let gate = FakeGate(opensAt: 1, longest: 30)
        server.on(
            "/api/v1/endpoints",
            respond: .dynamic { request in
                request.parameter("continue") == nil
                    ? .holdingRest(list.response, keepingBytes: head, until: gate) : .gated(gate, list.response)
            })
        let snapshot = try await Harness.tokenSource(
            server, in: try TempFolder(), options: Harness.options(chunkSize: 3, retry: RetryPolicy(maximumAttempts: 1))
        ).read(scope: .all)
        #expect(gate.openedAt != nil)
        #expect(snapshot.records.filter { $0.ref.kind == .endpoints }.map(\.ref.name) == (0..<6).map { "svc-\($0)" })
        let asked = server.requests.filter { $0.path == "/api/v1/endpoints" }
        #expect(asked.count == 2)
    }

    @Test("a server that answers JSON to a protobuf request is read as JSON")
    func jsonAnswerToAProtobufRequest() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        server.on(
            "/api/v1/endpoints",
            respond: PagedList(kind: "EndpointsList", apiVersion: "v1", items: PagedListTests.items(5)).response)
        var options = Harness.options(chunkSize: 2)
        options.protobuf = true
        let snapshot = try await Harness.tokenSource(server, in: try TempFolder(), options: options).read(scope: .all)
        #expect(snapshot.records.filter { $0.ref.kind == .endpoints }.count == 5)
    }

    @Test("a namespace filter leaves other namespaces' items out of a protobuf list")
    func clusterWideListFiltered() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let list = try PagedList(kind: "EndpointsList", apiVersion: "v1", items: PagedListTests.items(12))
            .withProtobuf()
        server.on("/api/v1/endpoints", respond: list.response)
        var options = Harness.options(chunkSize: 5)
        options.protobuf = true
        let session = try Harness.tokenSource(server, in: try TempFolder(), options: options).makeSession()
        let result: Result<APISession.ListResult, LiveError>
        do {
            result = .success(try await session.list(.endpoints, namespace: nil, keepDocuments: false, only: ["ns-1"]))
        } catch {
            result = .failure(error)
        }
        await session.shutdown()
        let read = try result.get()
        #expect(read.records.map(\.ref.name) == ["svc-1", "svc-4", "svc-7", "svc-10"])
        #expect(read.problems.isEmpty)
    }

    @Test("the recorded cluster's lists and errors, negotiated in protobuf, read as in JSON")
    func recordedClusterInProtobuf() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let folder = try TempFolder()
        var options = Harness.options()
        options.protobuf = true
        let fromProtobuf = try await Harness.tokenSource(server, in: folder, options: options).read(
            scope: .only(["shop", "storage", "payments"]))
        let fromJSON = try await Harness.tokenSource(server, in: folder).read(
            scope: .only(["shop", "storage", "payments"]))
        #expect(!fromProtobuf.records.isEmpty)
        #expect(fromProtobuf.records == fromJSON.records)
        // An error answer in protobuf: its Status message reaches the error.
        server.on(
            "/api/v1/namespaces/locked/endpoints",
            respond: .status(400, reason: "BadRequest", message: "the limit cannot list past the end"))
        let session = try Harness.tokenSource(server, in: folder, options: options).makeSession()
        let result: Result<APISession.ListResult, LiveError>
        do {
            result = .success(try await session.list(.endpoints, namespace: "locked", keepDocuments: false))
        } catch {
            result = .failure(error)
        }
        await session.shutdown()
        switch result {
        case .success: Issue.record("a 400 must fail the list")
        case .failure(let error): #expect(error.message.contains("cannot list"), "\(error.message)")
        }
        let locked = server.requests.filter { $0.path == "/api/v1/namespaces/locked/endpoints" }
        #expect(locked.first?.header("Accept")?.hasPrefix("application/vnd.kubernetes.protobuf") == true)
    }

    @Test("an item without a name is noted and the others are read")
    func itemWithoutName() throws {
        var raw = ProtobufWire()
        raw.field(1, ProtobufWire.listMeta(resourceVersion: "1", continue: nil, remaining: nil))
        for json in [
            #"{"metadata":{"name":"a","namespace":"shop"},"subsets":[{"addresses":[{"ip":"192.0.2.1"}],"ports":[{"port":80}]}]}"#,
            #"{"metadata":{"namespace":"shop"},"subsets":[]}"#,
            #"{"metadata":{"name":"b","namespace":"shop"}}"#,
        ] {
            raw.field(2, try ProtobufFixture.item(Array(json.utf8), kind: "Endpoints"))
        }
        let page = try Self.decode(
            ProtobufWire.envelope(apiVersion: "v1", kind: "EndpointsList", raw: raw.bytes), .endpoints)
        #expect(page.objects.map(\.metadata.name) == ["a", "b"])
        #expect(page.problems == ["Endpoints/shop/item 1: metadata.name is required"])
    }

    @Test("a broken protobuf answer is an error that names the list, never a crash")
    func brokenAnswers() throws {
        let (_, valid) = try Self.lists(Self.samples[1])
        var cases: [[UInt8]] = [
            [], Array("k8s".utf8), Array("{\"kind\":\"EndpointsList\"}".utf8), [0x6B, 0x38, 0x73, 0x00, 0xFF, 0xFF],
            ProtobufWire.envelope(apiVersion: "v1", kind: "PodList", raw: []),
        ]
        // Every cut of a valid answer, and every byte of it flipped.
        cases += (0..<valid.count).map { Array(valid.prefix($0)) }
        cases += (4..<valid.count).map { index in
            var bytes = valid
            bytes[index] ^= 0xA5
            return bytes
        }
        var refused = 0
        for bytes in cases {
            do {
                let page = try Self.decode(bytes, .endpoints)
                // What still decodes must be a whole list: items or problems, never a trap.
                #expect(page.objects.count + page.problems.count <= 1)
            } catch {
                refused += 1
                #expect(error.kind == .invalidResponse && error.resource == "endpoints")
            }
        }
        #expect(refused > valid.count / 2)
        do {
            _ = try Self.decode(ProtobufWire.envelope(apiVersion: "v1", kind: "PodList", raw: []), .endpoints)
            Issue.record("a PodList must be refused")
        } catch {
            #expect(error.message.contains("expected kind EndpointsList, found \"PodList\""), "\(error.message)")
        }
    }
}
