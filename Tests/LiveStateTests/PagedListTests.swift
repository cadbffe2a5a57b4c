import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

@Suite("PagedList serves stored items in pages")
struct PagedListTests {
    static func items(_ count: Int) -> [[UInt8]] {
        (0..<count).map { index in
            Array(
                #"{"metadata":{"name":"svc-\#(index)","namespace":"ns-\#(index % 3)"},"subsets":[{"addresses":[{"ip":"10.0.0.\#(index + 1)"}],"ports":[{"port":80}]}]}"#
                    .utf8)
        }
    }

    @Test("pages are valid list answers with continue tokens while items remain")
    func pages() throws {
        let list = PagedList(kind: "EndpointsList", apiVersion: "v1", items: Self.items(7))
        let first = try #require(
            try JSONSerialization.jsonObject(with: Data(list.page(offset: 0, limit: 3))) as? [String: Any])
        let metadata = try #require(first["metadata"] as? [String: Any])
        #expect((first["items"] as? [Any])?.count == 3)
        #expect(metadata["continue"] as? String == SyntheticSlices.token(for: 3))
        #expect(metadata["remainingItemCount"] as? Int == 4)
        let last = try #require(
            try JSONSerialization.jsonObject(with: Data(list.page(offset: 6, limit: 3))) as? [String: Any])
        #expect((last["items"] as? [Any])?.count == 1)
        #expect((last["metadata"] as? [String: Any])?["continue"] == nil)
        let all = try #require(
            try JSONSerialization.jsonObject(with: Data(list.page(offset: 0, limit: 0))) as? [String: Any])
        #expect((all["items"] as? [Any])?.count == 7)
    }

    @Test("read through the API source in pages, every item arrives once and in order")
    func servedInPages() async throws {
        let server = try await Harness.tokenServer()
        defer { Task { await server.stop() } }
        let list = PagedList(kind: "EndpointsList", apiVersion: "v1", items: Self.items(10))
        server.on("/api/v1/endpoints", respond: list.response)
        let folder = try TempFolder()
        let snapshot = try await Harness.tokenSource(server, in: folder, options: Harness.options(chunkSize: 3)).read(
            scope: .all)
        let endpoints = snapshot.records.filter { $0.ref.kind == .endpoints }
        #expect(endpoints.map(\.ref.name) == (0..<10).map { "svc-\($0)" })
        #expect(server.requests.filter { $0.path == "/api/v1/endpoints" }.count == 4)
    }
}
