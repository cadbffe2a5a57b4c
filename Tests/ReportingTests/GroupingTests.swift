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

    /// ceph-rgw (ports http 8080, admin 8081): git .11 .13, cluster .11 .23: .13 replaced by .23.
    /// orders-db (5432, 5433): git .1 .2, cluster .1: .2 missing on both ports.
    static func report() -> DriftReport {
        let rgwService = DriftFixtures.service(
            "ceph-rgw", namespace: "storage", ports: "- {name: http, port: 8080}\n- {name: admin, port: 8081}")
        func rgw(_ addresses: String) -> String {
            DriftFixtures.endpoints(
                "ceph-rgw", namespace: "storage",
                subsets: "- addresses: [\(addresses)]\n  ports: [{name: http, port: 8080}, {name: admin, port: 8081}]")
        }
        let dbService = DriftFixtures.service(
            "orders-db", ports: "- {name: pg, port: 5432}\n- {name: repl, port: 5433}")
        func db(_ addresses: String) -> String {
            DriftFixtures.endpoints(
                "orders-db",
                subsets: "- addresses: [\(addresses)]\n  ports: [{name: pg, port: 5432}, {name: repl, port: 5433}]")
        }
        return DriftFixtures.check(
            desired: [
                "storage/rgw.yaml": DriftFixtures.documents(rgwService, rgw("{ip: 192.0.2.11}, {ip: 192.0.2.13}")),
                "shop/db.yaml": DriftFixtures.documents(dbService, db("{ip: 10.0.0.1}, {ip: 10.0.0.2}")),
            ],
            live: DriftFixtures.documents(
                rgwService, rgw("{ip: 192.0.2.11}, {ip: 192.0.2.23}"), dbService, db("{ip: 10.0.0.1}")))
    }

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
