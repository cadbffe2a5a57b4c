import Drift
import Foundation
import Manifests
import Reporting
import TestSupport
import Testing

/// Webhook and Slack text group findings as the text and Markdown reports do (`FindingGroup`): one
/// line per address with its ports, one "replaced" line; the JSON lists keep one item per finding.
@Suite struct WebhookGroupingTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        .path

    /// The shared grouping fixture (`DriftFixtures.groupingReport`).
    static func report() -> DriftReport { DriftFixtures.groupingReport() }

    static func fleet() -> FleetReport {
        FleetReport(
            startedAt: "2026-11-21T03:00:00Z", duration: 1,
            clusters: [ClusterReport(name: "prod", report: report(), duration: 1)])
    }

    @Test func newFindingsAreOneLinePerAddressAndOneReplacedLine() throws {
        let fleet = Self.fleet()
        let (changes, _) = FleetChanges.between(RememberedRun(), fleet)
        #expect(changes.new.count == 6)
        let body = WebhookMessage(toolVersion: "test").body(changes, fleet: fleet)
        if let mismatch = GoldenFile.mismatch(body + "\n", path: "\(Self.folder)/webhook-grouped.json") {
            Issue.record(Comment(rawValue: mismatch))
        }
        let document = try FleetHarness.json(body)
        let text = try #require(document["text"] as? String)
        if let mismatch = GoldenFile.mismatch(text + "\n", path: "\(Self.folder)/webhook-grouped.txt") {
            Issue.record(Comment(rawValue: mismatch))
        }
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("🔴 ") }
        #expect(lines.count == 2)
        #expect(
            lines.contains {
                $0.contains(
                    "`prod` shop/orders-db — missing-backend: 10.0.0.2 on 5432/TCP (pg), 5433/TCP (repl) is in git")
            })
        #expect(
            lines.contains {
                $0.contains("`prod` storage/ceph-rgw — replaced: 192.0.2.13 → 192.0.2.23 on 8080/TCP (http), 8081/TCP")
            })
        // The summary and the lists for programs still count findings, one per backend.
        #expect(text.hasPrefix("*endpoint-drift*: 6 new findings\n"))
        #expect((document["new"] as? [Any])?.count == 6)
    }

    @Test func resolvedFindingsAreGroupedToo() {
        let fleet = Self.fleet()
        let (_, remembered) = FleetChanges.between(RememberedRun(), fleet)
        let inSync = FleetReport(
            startedAt: "2026-11-22T03:00:00Z", duration: 1,
            clusters: [
                ClusterReport(
                    name: "prod", report: DriftFixtures.check(desired: [:], live: "", namespaces: ["shop"]),
                    duration: 1)
            ])
        let (changes, _) = FleetChanges.between(remembered, inSync)
        #expect(changes.resolved.count == 6)
        let text = WebhookMessage(toolVersion: "test").text(changes, fleet: inSync)
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("✅ ") }.count == 2)
        #expect(text.contains("✅ `prod` storage/ceph-rgw — replaced: 192.0.2.13 → 192.0.2.23"))
    }

    @Test func theListIsCutByLinesAndCountsTheFindingsLeftOut() {
        // 20 services with 2 ports each on one missing address: 20 lines, 15 shown, 5 lines = 10 findings left.
        var items: [FleetChanges.Item] = []
        for number in 1...20 {
            for port in [5432, 5433] {
                items.append(
                    FleetChanges.Item(
                        cluster: "prod", id: "\(number)-\(port)", type: "missing-backend",
                        service: String(format: "shop/db-%02d", number), text: "missing-backend: 10.0.0.9:\(port)/TCP",
                        location: "db.yaml:1",
                        backend: .init(address: "10.0.0.9", port: port, protocol: "TCP", portName: ""),
                        message: "10.0.0.9:\(port)/TCP is in git but not served by the cluster"))
            }
        }
        let text = WebhookMessage(toolVersion: "test").text(FleetChanges(new: items), fleet: Self.fleet())
        #expect(text.components(separatedBy: "\n🔴 ").count - 1 == WebhookMessage.listedItems)
        #expect(text.contains("🔴 `prod` shop/db-01 — missing-backend: 10.0.0.9 on 5432/TCP, 5433/TCP is in git"))
        #expect(text.contains("… and 10 more"))
    }
}
