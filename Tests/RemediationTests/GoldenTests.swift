import Foundation
import Manifests
import Remediation
import Testing

/// Golden before/after pairs: `Golden/<case>/input/` is the repository, `live.yaml` the cluster,
/// `expected/` every file the fix changes (a deleted file as `<path>.deleted`), `options.txt` the
/// flags (`prune`, `adopt DIR`). Run with `UPDATE_GOLDEN=1` to rewrite `expected/`, then review the diff.
@Suite struct GoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func files(under folder: URL) -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return result }
        for case let path as String in walker {
            var isFolder: ObjCBool = false
            let full = folder.appendingPathComponent(path).path
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue,
                let data = FileManager.default.contents(atPath: full)
            else { continue }
            result[path] = String(decoding: data, as: UTF8.self)
        }
        return result
    }

    @Test(arguments: cases)
    func golden(_ name: String) throws {
        let folder = Self.root.appendingPathComponent(name)
        let input = Self.files(under: folder.appendingPathComponent("input"))
        let live = try String(contentsOf: folder.appendingPathComponent("live.yaml"), encoding: .utf8)
        var options = FixPlanner.Options()
        if let text = try? String(contentsOf: folder.appendingPathComponent("options.txt"), encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                if words.first == "prune" { options.prune = true }
                if words.first == "adopt", words.count > 1 { options.adoptDirectory = words[1] }
            }
        }
        let result = FixHarness(files: input, live: live, options: options).run()
        var actual: [String: String] = [:]
        for (path, text) in result.edited { actual[text == nil ? path + ".deleted" : path] = text ?? "" }

        let expectedFolder = folder.appendingPathComponent("expected")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(at: expectedFolder)
            for (path, text) in actual {
                let url = expectedFolder.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
        }
        let expected = Self.files(under: expectedFolder)
        #expect(Set(actual.keys) == Set(expected.keys), "changed files")
        for (path, text) in expected {
            #expect(actual[path] == text, "\(name)/\(path)")
        }
        #expect(
            result.output.services.allSatisfy { $0.status == .fixed },
            "\(result.output.services.map { ($0.service, $0.status, $0.reasons) })")
        #expect(FixHarness.remainingDrift(files: input, edited: result.edited, live: live).isEmpty)
    }
}
