import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// Issue 15, memory: a list is reduced to records page by page. What a finished list keeps is
/// walked with `Mirror`: records, and nothing of the answers (bytes, trees, bare objects, pages),
/// except the trees `--save-live` asks for.
@Suite("A paged list keeps only records")
struct ListReductionTests {
    /// What a value holds, counted by kind. An `ObjectRecord` is counted and not entered: its
    /// object is the record's.
    struct Retained {
        var records = 0
        var bareObjects = 0
        var trees = 0
        var answers = 0

        mutating func walk(_ value: Any) {
            switch value {
            case is ObjectRecord:
                records += 1
                return
            case is KubeObject:
                bareObjects += 1
                return
            case is Node:
                trees += 1
                return
            case is ListPage, is APIResponse:
                answers += 1
                return
            default:
                break
            }
            // NIO's buffer is not imported here; its name is enough.
            if String(describing: type(of: value)).contains("ByteBuffer") {
                answers += 1
                return
            }
            for child in Mirror(reflecting: value).children { walk(child.value) }
        }
    }

    static func list(keepDocuments: Bool) async throws -> (APISession.ListResult, [FakeRequest]) {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let list = PagedList(kind: "EndpointsList", apiVersion: "v1", items: PagedListTests.items(10))
        server.on("/api/v1/endpoints", respond: list.response)
        let folder = try TempFolder()
        let source = try Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 3))
        let session = try source.makeSession()
        let result: Result<APISession.ListResult, LiveError>
        do {
            result = .success(try await session.list(.endpoints, namespace: nil, keepDocuments: keepDocuments))
        } catch {
            result = .failure(error)
        }
        await session.shutdown()
        return (try result.get(), server.requests)
    }

    @Test("after four pages the list holds ten records and nothing else of the answers")
    func recordsOnly() async throws {
        let (result, requests) = try await Self.list(keepDocuments: false)
        #expect(requests.filter { $0.path == "/api/v1/endpoints" }.count == 4)
        var retained = Retained()
        retained.walk(result)
        #expect(retained.records == 10)
        #expect(retained.bareObjects == 0)
        #expect(retained.trees == 0)
        #expect(retained.answers == 0)
        #expect(result.records.map(\.ref.name) == (0..<10).map { "svc-\($0)" })
        #expect(result.records.allSatisfy { $0.ref == $0.object.ref() && $0.source == nil })
    }

    @Test("--save-live keeps one tree per item for the snapshot file, and still no answer")
    func saveLiveKeepsTrees() async throws {
        let (result, _) = try await Self.list(keepDocuments: true)
        var retained = Retained()
        retained.walk(result)
        #expect(retained.records == 10)
        #expect(retained.trees == 10)
        #expect(retained.bareObjects == 0)
        #expect(retained.answers == 0)
    }

    @Test("a page moved into the result leaves only its continue token; out-of-scope records are dropped")
    func takeConsumesThePage() throws {
        let body = Array(
            PagedList(kind: "EndpointsList", apiVersion: "v1", items: PagedListTests.items(6)).page(offset: 0, limit: 4)
        )
        let page = try body.withUnsafeBytes { bytes in
            try ListPage.parse(bytes, resource: .endpoints, keepDocuments: false)
        }
        #expect(page.records.count == 4)
        var result = APISession.ListResult()
        let next = APISession.take(page, into: &result, only: ["ns-0", "ns-1"])
        #expect(next == SyntheticSlices.token(for: 4))
        #expect(result.records.map(\.ref.namespace) == ["ns-0", "ns-1", "ns-0"])
        var retained = Retained()
        retained.walk(result)
        #expect(retained.records == 3 && retained.bareObjects == 0 && retained.trees == 0 && retained.answers == 0)
    }
}
