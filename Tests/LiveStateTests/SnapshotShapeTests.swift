import Foundation
import TestSupport
import Testing

@testable import LiveState

/// A snapshot that is not a list of the three kinds must never read as an empty cluster: `fix
/// --prune` would delete every manifest.
@Suite("--live-file refuses what is not a snapshot")
struct SnapshotShapeTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder() }

    static let refused: [(text: String, found: String)] = [
        ("{}", "it is an empty object,"),
        ("null", "it has no documents;"),
        ("[]", "it is an array,"),
        ("[{\"kind\":\"Service\"}]", "it is an array,"),
        ("{\"items\":null}", "it is an object without `kind`,"),
        ("{\"items\":[]}", "it is an object without `kind`,"),
        ("{\"kind\":\"List\",\"apiVersion\":\"v1\",\"items\":null}", "it is a List whose `items` is null,"),
        ("{\"kind\":\"List\",\"apiVersion\":\"v1\"}", "it is a List without `items`,"),
        ("{\"kind\":\"List\",\"items\":[]}", "it is a List without `apiVersion`,"),
        (
            "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":{\"name\":\"a\"}}]}",
            "it is a PodList,"
        ),
        ("{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"items\":[]}", "it is a PodList,"),
        (
            "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}},{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"}}]}",
            "it is a List of 2 Pod,"
        ),
        ("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"}}", "it is a Pod,"),
        ("{\"kind\":\"Ingress\",\"apiVersion\":\"v1\"}", "it is an Ingress,"),
        ("{\"kind\":7}", "it is an object whose `kind` is not a name,"),
        ("{\"hello\":\"world\"}", "it is an object without `kind`,"),
        ("\"just a string\"", "it is a string,"),
        ("42", "it is a number,"),
        ("hello world\n", "it is a string,"),
        ("---\n---\n", "it has no documents;"),
        ("# only a comment\n", "it has no documents;"),
        ("kind: List\napiVersion: v1\nitems:\n", "it is a List whose `items` is null,"),
        ("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nfoo: bar\n", "it is an object without `kind`,"),
    ]

    @Test("each non-snapshot is refused, naming what it is", arguments: refused.indices)
    func refusedShapes(index: Int) async throws {
        let (text, found) = Self.refused[index]
        let path = try folder.write("live-\(index).json", text)
        do {
            let snapshot = try await SnapshotFileSource(path: path).read(scope: .all)
            Issue.record("read \(text) as \(snapshot.records.count) objects")
        } catch {
            #expect(error.kind == .snapshotFile)
            #expect(error.description.contains(found), "\(error)")
            #expect(error.description.contains(path), "\(error)")
        }
    }

    @Test("an empty cluster, a typed list, one object and mixed kubectl lists are snapshots")
    func acceptedShapes() async throws {
        let accepted: [(String, Int)] = [
            ("{\"apiVersion\":\"v1\",\"items\":[],\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"}}", 0),
            ("{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"items\":[]}", 0),
            (
                "{\"kind\":\"EndpointsList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"}}]}",
                1
            ),
            ("{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"}}", 1),
            (
                "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}},{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"}}]}",
                1
            ),
            ("apiVersion: v1\nkind: List\nitems: []\n", 0),
            ("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: shop\n---\n", 1),
        ]
        for (index, (text, count)) in accepted.enumerated() {
            let path = try folder.write("ok-\(index).json", text)
            let snapshot = try await SnapshotFileSource(path: path).read(scope: .all)
            #expect(snapshot.records.count == count, "\(text)")
        }
    }
}

@Suite("A junk snapshot is refused from its first line")
struct JunkSnapshotTests {
    @Test("the first line of content tells a string or an array from a mapping")
    func firstLine() {
        func problem(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBytes { SnapshotFileSource.yamlShapeProblem($0) }
        }
        #expect(problem("lorem ipsum\nkind: List\n") == "a string")
        #expect(problem("- a\n- b\n") == "an array")
        #expect(problem("# kubectl output\n---\napiVersion: v1\nkind: List\n") == nil)
        #expect(problem("%YAML 1.1\n---\nkind: List\n") == nil)
        #expect(problem("\"kind\": List\n") == nil)
        #expect(problem("-not-an-item: x\n") == nil)
        #expect(problem("\n\n   \n") == nil)
    }

    @Test("only the first 4 KiB of a long first line are looked at, as libyaml looks for a key's colon")
    func longFirstLine() {
        func problem(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBytes { SnapshotFileSource.yamlShapeProblem($0) }
        }
        let long = String(repeating: "junk ", count: 20_000)
        #expect(problem(long) == "a string")
        // A colon past 1024 characters makes no plain key for libyaml either.
        #expect(problem(long + ": value\n") == "a string")
        #expect(problem("key: " + long + "\n") == nil)
        // A comment longer than the window is skipped whole; the line after it is the one told.
        #expect(problem("# " + long + "\n- a\n") == "an array")
        #expect(problem("# " + long + "\nkind: List\n") == nil)
        // Blank for longer than the window: not told here.
        #expect(problem(String(repeating: " ", count: 10_000) + "junk\n") == nil)
    }

    @Test("32 MB of text is refused as a string, without building its tree")
    func largeJunk() async throws {
        let folder = try TempFolder()
        let line = String(repeating: "lorem ipsum dolor sit amet ", count: 4) + "\n"
        let path = try folder.write("junk.yaml", String(repeating: line, count: 32 << 20 / line.utf8.count))
        await #expect {
            try await SnapshotFileSource(path: path).read(scope: .all)
        } throws: { error in
            "\(error)".contains("\(path):1:1: it is a string, not a list")
        }
    }
}
