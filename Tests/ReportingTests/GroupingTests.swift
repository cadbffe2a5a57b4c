import Drift
import Foundation
import Reporting
import TestSupport
import Testing

/// Readable findings: one line per address with its ports, one "replaced" line for an address git
/// has where the cluster serves another on the same ports, one hint each; JSON keeps one finding
/// per backend.
@Suite struct GroupingTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        .path

    /// The shared grouping fixture (`DriftFixtures.groupingReport`).
    static func report() -> DriftReport { DriftFixtures.groupingReport() }

    func render(_ format: OutputFormat) -> String {
        format.reporter(ReportOptions(toolVersion: "test")).render(Self.report())
    }

    @Test func textGroupsByAddressAndPairsReplacedAddresses() {
        let text = render(.text)
        if let mismatch = GoldenFile.mismatch(text, path: "\(Self.folder)/grouped.txt") {
            Issue.record(Comment(rawValue: mismatch))
        }
        #expect(text.contains("replaced: 192.0.2.13 → 192.0.2.23 on 8080/TCP (http), 8081/TCP (admin)"))
        #expect(text.contains("missing-backend: 10.0.0.2 on 5432/TCP (pg), 5433/TCP (repl) is in git but not"))
        #expect(text.components(separatedBy: "hint:").count - 1 == 2)
    }

    @Test func markdownAndGitHubShowTheGroupsJSONEveryBackend() throws {
        let markdown = render(.markdown)
        #expect(markdown.contains("| ❌ | `replaced` |"))
        #expect(markdown.components(separatedBy: "*Hint:*").count - 1 == 2)
        let github = render(.github)
        #expect(github.split(separator: "\n").filter { $0.hasPrefix("::error") }.count == 2)
        #expect(github.contains("title=replaced (storage/ceph-rgw)::192.0.2.13 → 192.0.2.23 on 8080/TCP (http)"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(render(.json).utf8)) as? [String: Any])
        #expect((json["findings"] as? [[String: Any]])?.count == 6)
        let html = render(.html)
        #expect(html.contains("192.0.2.13 → 192.0.2.23"))
    }
}
