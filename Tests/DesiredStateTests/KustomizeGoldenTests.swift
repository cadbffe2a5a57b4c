import DesiredState
import Foundation
import Manifests
import Testing

/// The objects the desired-state step builds agree with a real kustomize build of the same trees.
/// `fixtures/desired-state/<layout>/tree` holds the files; `builds/<root>.yaml` what kustomize made of
/// each root in `roots.txt` (remade with `scripts/kustomize-golden.sh`, which runs a real kustomize).
@Suite struct KustomizeGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/desired-state")

    static var cases: [(layout: String, root: String)] {
        let layouts = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return layouts.sorted().flatMap { layout -> [(String, String)] in
            let roots =
                (try? String(contentsOf: root.appendingPathComponent("\(layout)/roots.txt"), encoding: .utf8)) ?? ""
            return roots.split(separator: "\n").map { (layout, String($0)) }
        }
    }

    /// Every file of a layout's tree, by repository path.
    static func tree(_ layout: String) throws -> [String: String] {
        let base = root.appendingPathComponent("\(layout)/tree")
        var files: [String: String] = [:]
        let paths = try #require(FileManager.default.subpathsOfDirectory(atPath: base.path) as [String]?)
        for path in paths {
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: base.appendingPathComponent(path).path, isDirectory: &isFolder)
            if !isFolder.boolValue {
                files[path] = try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)
            }
        }
        return files
    }

    @Test func theCasesAreThere() {
        #expect(Self.cases.count >= 2)
    }

    @Test(arguments: cases.map { "\($0.layout):\($0.root)" })
    func buildsWhatKustomizeBuilds(_ name: String) throws {
        let parts = name.split(separator: ":").map(String.init)
        let (layout, buildRoot) = (parts[0], parts[1])
        var harness = BuildHarness(try Self.tree(layout))
        harness.entries = { RepoPath.isWithin($0, buildRoot) }
        harness.selected = { RepoPath.isWithin($0, buildRoot) }
        let output = harness.run()
        #expect(output.errors.isEmpty, "\(output.errors)")
        #expect(output.uncomparable.isEmpty, "\(output.uncomparable)")
        let built = output.records.map { Self.describe($0.object, namespace: $0.ref.namespace) }.sorted()

        let goldenPath = Self.root.appendingPathComponent(
            "\(layout)/builds/\(buildRoot.replacingOccurrences(of: "/", with: "-")).yaml")
        let golden = try String(contentsOf: goldenPath, encoding: .utf8)
        let expected = ManifestFileReader.read(golden, path: goldenPath.lastPathComponent).objects.map {
            Self.describe($0.object, namespace: $0.object.metadata.namespace ?? "default")
        }.sorted()
        #expect(!expected.isEmpty)
        #expect(built == expected)
    }

    @Test(arguments: cases.map { "\($0.layout):\($0.root)" })
    func reusingScannedObjectsBuildsTheSameRecordsAsTrees(_ name: String) throws {
        let parts = name.split(separator: ":").map(String.init)
        let (layout, buildRoot) = (parts[0], parts[1])
        var harness = BuildHarness(try Self.tree(layout))
        harness.entries = { RepoPath.isWithin($0, buildRoot) }
        let reused = harness.run()
        harness.forceTrees = true
        let trees = harness.run()
        let key = { (record: ObjectRecord) in
            "\(Self.describe(record.object, namespace: record.ref.namespace)) \(record.namespaceRule.map { "\($0)" } ?? "-") "
                + "\(record.build ?? "-") \(record.source?.path ?? "-"):\(record.source?.line ?? 0)"
        }
        #expect(reused.records.map(key).sorted() == trees.records.map(key).sorted())
    }

    /// What decides drift, in one comparable line per object.
    static func describe(_ object: KubeObject, namespace: String) -> String {
        let meta = object.metadata
        var text = "\(object.kind.rawValue) \(namespace)/\(meta.name)"
        text += " labels=\(meta.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
        text += " annotations=\(meta.annotations.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
        let port = { (port: EndpointPort) in
            "\(port.name)/\(port.port.map(String.init) ?? "-")/\(port.effectiveProtocol)/\(port.appProtocol ?? "-")"
        }
        switch object {
        case .service(let service):
            text += " selector=\(service.selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
            text += " ports=\(service.ports.map { "\($0.name)/\($0.port)/\($0.protocol)/\($0.appProtocol ?? "-")" })"
        case .endpoints(let endpoints):
            for subset in endpoints.subsets {
                text += " subset(ready=\(subset.addresses.map(\.ip)) notReady=\(subset.notReadyAddresses.map(\.ip))"
                text += " ports=\(subset.ports.map(port)))"
            }
        case .endpointSlice(let slice):
            text += " \(slice.addressType)"
            for endpoint in slice.endpoints {
                text += " endpoint(\(endpoint.addresses) ready=\(endpoint.conditions.isReady))"
            }
            text += " ports=\((slice.ports ?? []).map(port))"
        }
        return text
    }
}
