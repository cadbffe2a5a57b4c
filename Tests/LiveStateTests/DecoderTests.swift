import Foundation
import LiveState
import Manifests
import TestSupport
import Testing

@Suite("The list decoder gives what the manifest decoder gives")
struct DecoderTests {
    static let lists: [(String, APIResource)] = [
        ("list-endpoints-all", .endpoints), ("list-endpoints-shop", .endpoints),
        ("list-endpoints-payments", .endpoints),
        ("list-endpointslices-all", .endpointSlices), ("list-endpointslices-shop", .endpointSlices),
        ("list-endpointslices-by-service", .endpointSlices), ("page1-endpointslices-limit2", .endpointSlices),
        ("page2-endpointslices-limit2", .endpointSlices), ("page3-endpointslices-limit2", .endpointSlices),
        ("list-services-all", .services), ("list-services-shop", .services),
    ]

    @Test("every recorded list decodes to the same objects both ways", arguments: lists.map(\.0))
    func recordedLists(_ name: String) throws {
        let resource = try #require(Self.lists.first { $0.0 == name }?.1)
        let body = try RecordedResponse.load(name).body
        let fast = try body.withUnsafeBytes { bytes in try ListPageDecoder.decode(bytes, resource: resource) }
        let slow = try SnapshotFileSource.parse(Data(body), name: name).map(\.object)
        #expect(!fast.objects.isEmpty)
        #expect(fast.objects == slow)
        #expect(fast.problems.isEmpty)
    }

    @Test("synthetic slices decode the same both ways, continue token included")
    func syntheticPage() throws {
        let body = SyntheticSlices.page(offset: 100, limit: 50, total: 1000)
        let fast = try body.withUnsafeBytes { bytes in try ListPageDecoder.decode(bytes, resource: .endpointSlices) }
        let slow = try SnapshotFileSource.parse(Data(body), name: "page").map(\.object)
        #expect(fast.objects.count == 50)
        #expect(fast.objects == slow)
        #expect(fast.continueToken == SyntheticSlices.token(for: 150))
    }

    @Test("nulls, absent and empty fields, floats, and unknown fields")
    func edgeCases() throws {
        let body = """
            {"kind":"EndpointSliceList","apiVersion":"discovery.k8s.io/v1","metadata":{"continue":""},"items":[
            {"metadata":{"name":"a","namespace":"ns","labels":{"kubernetes.io/service-name":"svc","x":null},
             "annotations":null,"managedFields":[{"f:x":{"f:y":[1,2.5e3,true,null,"\\u00e9"]}}],"ownerReferences":[]},
             "addressType":"IPv4","endpoints":null,"ports":null,"extra":{"deep":[[]]}},
            {"metadata":{"name":"b","namespace":""},"addressType":"IPv6",
             "endpoints":[{"addresses":["2001:db8::1"],"conditions":{"ready":null,"serving":false,"terminating":true},
             "zone":"z","nodeName":null,"hints":{"forZones":[{"name":"z"}]}}],
             "ports":[{"port":443.0,"protocol":null,"name":"https"},{}]}
            ]}
            """
        let bytes = Array(body.utf8)
        let fast = try bytes.withUnsafeBytes { try ListPageDecoder.decode($0, resource: .endpointSlices) }
        let slow = try SnapshotFileSource.parse(Data(bytes), name: "edge").map(\.object)
        #expect(fast.objects == slow)
        #expect(fast.continueToken == nil)
        guard case .endpointSlice(let first) = fast.objects[0], case .endpointSlice(let second) = fast.objects[1] else {
            Issue.record("expected slices")
            return
        }
        #expect(first.ports == nil)
        #expect(first.metadata.labels == ["kubernetes.io/service-name": "svc", "x": ""])
        #expect(second.metadata.namespace == nil)
        #expect(second.ports?.map(\.port) == [443, nil])
        #expect(second.endpoints.first?.conditions == EndpointConditions(ready: nil, serving: false, terminating: true))
    }

    @Test("services: spec defaults, clusterIP fallback, int-or-string targetPort")
    func services() throws {
        let body = """
            {"kind":"ServiceList","apiVersion":"v1","metadata":{},"items":[
            {"metadata":{"name":"a","namespace":"n"},"spec":{"ports":[{"port":80,"targetPort":"http"},{"name":"x","port":81,"targetPort":8081,"protocol":"UDP"}],"clusterIP":"10.0.0.1"}},
            {"metadata":{"name":"b","namespace":"n"},"spec":{"type":"ExternalName","externalName":"db.example","selector":{"app":"b"}}},
            {"metadata":{"name":"c","namespace":"n"}}
            ]}
            """
        let bytes = Array(body.utf8)
        let fast = try bytes.withUnsafeBytes { try ListPageDecoder.decode($0, resource: .services) }
        let slow = try SnapshotFileSource.parse(Data(bytes), name: "services").map(\.object)
        #expect(fast.objects == slow)
        guard case .service(let a) = fast.objects[0] else { return }
        #expect(a.clusterIPs == ["10.0.0.1"])
        #expect(a.ports.map(\.targetPort) == ["http", "8081"])
        #expect(a.ports.map(\.protocol) == ["TCP", "UDP"])
    }

    @Test("a malformed item is left out with a note naming it; the rest is read")
    func malformedItem() throws {
        let body = """
            {"kind":"EndpointsList","apiVersion":"v1","metadata":{},"items":[
            {"metadata":{"name":"bad","namespace":"n"},"subsets":[{"addresses":[{"hostname":"no-ip"}]}]},
            {"metadata":{"name":"good","namespace":"n"},"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":1}]}]}
            ]}
            """
        let bytes = Array(body.utf8)
        let page = try bytes.withUnsafeBytes { try ListPageDecoder.decode($0, resource: .endpoints) }
        #expect(page.objects.map(\.metadata.name) == ["good"])
        #expect(page.problems == ["Endpoints/n/bad: ip is required"])
    }

    @Test("not a list of the asked kind, or not JSON")
    func wrongDocuments() {
        for (text, message) in [
            (#"{"kind":"Status","apiVersion":"v1","code":500}"#, "expected kind EndpointsList, found \"Status\""),
            (#"{"kind":"EndpointsList"}"#, "the answer has no items"),
            ("<html>", "expected '{', found '<'"),
        ] {
            let bytes = Array(text.utf8)
            let error = #expect(throws: LiveError.self) {
                try bytes.withUnsafeBytes { try ListPageDecoder.decode($0, resource: .endpoints) }
            }
            #expect(error?.message.contains(message) == true, "\(text): \(error?.message ?? "")")
        }
    }
}
