import Foundation
import Manifests
import TestSupport
import Testing

@testable import LiveState

/// The streaming snapshot reader must give exactly what the tree reader gives, or give up (nil)
/// so that the tree reader runs; it must never accept what the tree reader refuses.
@Suite("Streaming --live-file reads equal the tree reader")
struct SnapshotStreamTests {
    /// Streams `text`; checks the result against the tree reader and returns whether it streamed.
    @discardableResult
    static func check(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Bool {
        let bytes = Array(text.utf8)
        let streamed = bytes.withUnsafeBytes { SnapshotStream.records($0) }
        let tree = Result { try SnapshotFileSource.parse(Data(bytes), name: "doc") }
        guard let streamed else { return false }
        switch tree {
        case .success(let records):
            #expect(streamed == records, sourceLocation: sourceLocation)
        case .failure(let error):
            Issue.record("streamed a document the tree reader refuses: \(error)", sourceLocation: sourceLocation)
        }
        return true
    }

    static func kubectlList(_ items: [String]) -> String {
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n" + items.joined(separator: ",\n")
            + "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\"resourceVersion\": \"\"}\n}\n"
    }

    static let service =
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"shop","labels":{"a":"b"}},"spec":{"ports":[{"name":"pg","port":5432,"targetPort":"pg"}],"clusterIP":"10.96.0.9","clusterIPs":["10.96.0.9"]},"status":{"loadBalancer":{}}}"#
    static let endpoints =
        #"{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"db","namespace":"shop","resourceVersion":"7"},"subsets":[{"addresses":[{"ip":"10.0.0.1","nodeName":"n1","targetRef":{"kind":"Pod","name":"p"}}],"notReadyAddresses":[{"ip":"10.0.0.2"}],"ports":[{"name":"pg","port":5432,"protocol":"TCP"}]}]}"#
    static let slice =
        #"{"addressType":"IPv6","apiVersion":"discovery.k8s.io/v1","endpoints":[{"addresses":["2001:DB8::1"],"conditions":{"ready":false}}],"kind":"EndpointSlice","metadata":{"labels":{"kubernetes.io/service-name":"db"},"name":"db-x","namespace":"shop"},"ports":[{"port":5432}]}"#

    @Test("recorded API lists, the demo snapshot and a --save-live file stream to the same records")
    func recorded() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.kubernetesAPI.path)
            .filter { $0.hasPrefix("list-") || $0.hasPrefix("page") }.filter { $0.hasSuffix(".body.json") }
        #expect(names.count >= 8)
        // A NamespaceList is not a snapshot: neither reader may take it for an empty cluster.
        let namespaces = try Data(
            contentsOf: Fixtures.kubernetesAPI.appendingPathComponent("list-namespaces.body.json"))
        #expect(namespaces.withUnsafeBytes { SnapshotStream.records($0) } == nil)
        #expect(throws: LiveError.self) { try SnapshotFileSource.parse(namespaces, name: "namespaces") }
        for name in names where name != "list-namespaces.body.json" {
            let text = try String(contentsOf: Fixtures.kubernetesAPI.appendingPathComponent(name), encoding: .utf8)
            // Recorded lists write their kind before their items, so even kind-less items stream.
            #expect(try Self.check(text), "\(name) did not stream")
        }
        #expect(try Self.check(try String(contentsOfFile: Fixtures.path("demo/live.json"), encoding: .utf8)))
        #expect(try Self.check(String(decoding: SyntheticSlices.page(offset: 0, limit: 40, total: 40), as: UTF8.self)))
    }

    @Test("kubectl's layout streams; shapes it does not read fall back to the tree reader")
    func shapes() throws {
        #expect(try Self.check(Self.kubectlList([Self.service, Self.endpoints, Self.slice])))
        #expect(try Self.check(Self.kubectlList([])))
        // Items of other kinds and versions are left out, as the tree reader leaves them out.
        #expect(
            try Self.check(
                Self.kubectlList([
                    #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"kind: Endpoints"}}"#,
                    #"{"apiVersion":"discovery.k8s.io/v1beta1","kind":"EndpointSlice","metadata":{"name":"old"},"addressType":"IPv4"}"#,
                    #"{"apiVersion":"v1","kind":7,"metadata":{"name":"x"}}"#,
                    #"{"kind":"Service","metadata":{"name":"no-version"}}"#, Self.service,
                ])))
        // A typed list whose kind comes after its kind-less items: the tree reader decides.
        let late = #"{"apiVersion":"v1","items":[{"metadata":{"name":"a","namespace":"n"}}],"kind":"ServiceList"}"#
        #expect(try !Self.check(late))
        // A typed list whose kind comes first streams its kind-less items.
        #expect(
            try Self.check(
                #"{"kind":"ServiceList","apiVersion":"v1","items":[{"metadata":{"name":"a","namespace":"n"}}]}"#))
        // Not lists, nested lists, lists without apiVersion: the tree reader.
        #expect(try !Self.check(Self.service))
        #expect(try !Self.check(Self.kubectlList([#"{"apiVersion":"v1","kind":"List","items":[]}"#])))
        #expect(try !Self.check(#"{"kind":"List","items":[]}"#))
        #expect(try !Self.check("[" + Self.service + "]"))
    }

    @Test("items the fast decoder refuses but the tree reader accepts are read as trees")
    func slowItems() throws {
        // A non-string cluster IP is ignored by the tree reader; an escaped key is unescaped.
        let oddIPs = Self.service.replacingOccurrences(
            of: #""clusterIPs":["10.96.0.9"]"#, with: #""clusterIPs":[1,"10.96.0.9"]"#)
        #expect(try Self.check(Self.kubectlList([oddIPs, Self.endpoints])))
        let escapedKey = Self.endpoints.replacingOccurrences(of: #""nodeName""#, with: #""node\u004eame""#)
        #expect(try Self.check(Self.kubectlList([escapedKey])))
        let escapedValue = Self.service.replacingOccurrences(of: #""b"}"#, with: #""\u00e9\n"}"#)
        #expect(try Self.check(Self.kubectlList([escapedValue])))
    }

    @Test("documents the tree reader refuses are never streamed")
    func refused() throws {
        let broken = [
            // Duplicate keys: at the top, in an item, in a skipped part, in a map of strings.
            #"{"apiVersion":"v1","items":[],"items":[],"kind":"List"}"#,
            Self.kubectlList([Self.service.replacingOccurrences(of: #""spec":"#, with: #""status":{},"spec":"#)]),
            Self.kubectlList([Self.endpoints.replacingOccurrences(of: #""name":"p""#, with: #""name":"p","name":"q""#)]
            ),
            Self.kubectlList([
                Self.endpoints.replacingOccurrences(of: #""name":"p""#, with: #""name":"p","n\u0061me":"q""#)
            ]),
            Self.kubectlList([Self.service.replacingOccurrences(of: #"{"a":"b"}"#, with: #"{"a":"b","a":"c"}"#)]),
            // Bad text in skipped strings; a bad literal; a wrong type; an unterminated document.
            Self.kubectlList([Self.endpoints.replacingOccurrences(of: #""Pod""#, with: "\"P\u{1}od\"")]),
            Self.kubectlList([Self.endpoints.replacingOccurrences(of: #""Pod""#, with: #""P\qod""#)]),
            Self.kubectlList([Self.endpoints.replacingOccurrences(of: #""Pod""#, with: #""P\u12""#)]),
            Self.kubectlList([Self.service.replacingOccurrences(of: #"{"loadBalancer":{}}"#, with: #"{"x":tru}"#)]),
            Self.kubectlList([Self.service.replacingOccurrences(of: #""port":5432"#, with: #""port":"pg""#)]),
            Self.kubectlList([Self.slice]) + "x",
            String(Self.kubectlList([Self.slice]).dropLast(3)),
            // Nesting deeper than the limit inside a skipped field.
            Self.kubectlList([
                Self.service.replacingOccurrences(
                    of: #""status":{"loadBalancer":{}}"#,
                    with: #""status":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300))
            ]),
        ]
        for text in broken {
            #expect(throws: LiveError.self) { try SnapshotFileSource.parse(Data(text.utf8), name: "doc") }
            #expect(try !Self.check(text), "streamed: \(text.prefix(200))")
        }
    }

    @Test("random damage to a document: the stream gives the tree reader's records or gives up")
    func mutations() throws {
        let original = Array(Self.kubectlList([Self.service, Self.endpoints, Self.slice]).utf8)
        let replacements = Array(#"{}[]",:\ 0a-9"#.utf8) + [0x01, 0xC3]
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var streamed = 0
        for _ in 0..<600 {
            var bytes = original
            for _ in 0..<(1 + next(2)) {
                let index = next(bytes.count)
                switch next(3) {
                case 0: bytes[index] = replacements[next(replacements.count)]
                case 1: bytes.remove(at: index)
                default: bytes.insert(replacements[next(replacements.count)], at: index)
                }
            }
            if try Self.check(String(decoding: bytes, as: UTF8.self)) { streamed += 1 }
        }
        // Most damage lands in text the reader checks and makes it give up; some is harmless.
        #expect(streamed > 0)
    }

    @Test("a snapshot file is read through a mapping and gives what the tree reader gives")
    func mappedFile() async throws {
        let folder = try TempFolder()
        var items: [String] = []
        for index in 0..<3000 {
            items.append(Self.endpoints.replacingOccurrences(of: #""name":"db""#, with: #""name":"db-\#(index)""#))
        }
        let text = Self.kubectlList(items)
        let path = try folder.write("live.json", text)
        let snapshot = try await SnapshotFileSource(path: path).read(scope: .only(["shop"]))
        #expect(snapshot.records.count == 3000)
        #expect(snapshot.records == (try SnapshotFileSource.parse(Data(text.utf8), name: path)))
    }
}
