import Foundation
import TestSupport
import Testing

/// `--metrics-file` from the built binary: what node-exporter's textfile collector reads.
@Suite struct MetricsFileTests {
    func value(_ text: String, _ series: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.split(separator: " ")[1]) }
    }

    @Test func aFleetRunWritesMetricsPromtoolAccepts() async throws {
        let harness = try FleetHarness()
        let deadPort = try RefusingPort.port()
        try harness.commitMap([
            "- name: prod\n  liveFile: \(Fixtures.path("demo/live.json"))\n  paths: [apps]",
            "- name: lab\n  context: lab\n  paths: [apps]",
        ])
        let kubeconfig = try harness.kubeconfig([("lab", "https://127.0.0.1:\(deadPort)")])
        let metrics = harness.home.file("textfile/endpoint_drift.prom")
        // Whole seconds, as the metric is written; the run may take long on a busy machine.
        let started = Date().timeIntervalSince1970.rounded(.down)
        let result = try await harness.run(
            ["check", "--all-clusters", "--kubeconfig", kubeconfig, "--metrics-file", metrics, "-o", "json=r.json"])
        let ended = Date().timeIntervalSince1970.rounded(.up)
        #expect(result.status == 2, "\(result.stderr)")
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        let promtool = try ProcessRunner.run("/usr/bin/env", ["promtool", "check", "metrics"], input: Data(text.utf8))
        #expect(
            promtool.status == 0 && promtool.stdout.isEmpty && promtool.stderr.isEmpty,
            "\(promtool.stdout)\(promtool.stderr)")
        #expect(value(text, "endpoint_drift_up{cluster=\"prod\"}") == "1")
        #expect(value(text, "endpoint_drift_up{cluster=\"lab\"}") == "0")
        #expect(value(text, "endpoint_drift_drifted_services{cluster=\"prod\"}") == "4")
        #expect(value(text, "endpoint_drift_findings{cluster=\"prod\",type=\"stale-backend\"}") == "2")
        #expect(
            value(
                text,
                "endpoint_drift_live_backends{cluster=\"prod\",namespace=\"shop\",endpoint=\"orders-db\",service=\"orders-db\"}"
            )
                == "3")
        #expect(value(text, "endpoint_drift_check_errors{cluster=\"lab\"}").map { Int($0) ?? 0 } ?? 0 >= 1)
        #expect(value(text, "endpoint_drift_last_success_timestamp_seconds{cluster=\"lab\"}") == nil)
        let success = try #require(value(text, "endpoint_drift_last_success_timestamp_seconds{cluster=\"prod\"}"))
        let seconds = Double(success) ?? 0
        #expect(seconds >= started - 1 && seconds <= ended + 1, "\(seconds) not in [\(started), \(ended)]")
        // Written atomically: no temporary file left beside it (the collector reads only *.prom anyway).
        let folder = try FileManager.default.contentsOfDirectory(atPath: harness.home.file("textfile"))
        #expect(folder == ["endpoint_drift.prom"])
    }

    @Test func theLastSuccessSurvivesAFailedRun() async throws {
        let harness = try FleetHarness()
        let snapshot = try harness.home.write(
            "live.json", try String(contentsOfFile: Fixtures.path("demo/live.json"), encoding: .utf8))
        try harness.commitMap(["- name: prod\n  liveFile: \(snapshot)\n  paths: [apps]"])
        let metrics = harness.home.file("m.prom")
        _ = try await harness.run(["check", "--all-clusters", "--metrics-file", metrics, "-o", "json=r.json"])
        let first = try #require(
            value(
                try String(contentsOfFile: metrics, encoding: .utf8),
                "endpoint_drift_last_success_timestamp_seconds{cluster=\"prod\"}"))
        try FileManager.default.removeItem(atPath: snapshot)
        let failed = try await harness.run(["check", "--all-clusters", "--metrics-file", metrics, "-o", "json=r.json"])
        #expect(failed.status == 2)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(value(text, "endpoint_drift_up{cluster=\"prod\"}") == "0")
        #expect(value(text, "endpoint_drift_last_success_timestamp_seconds{cluster=\"prod\"}") == first)
    }

    @Test func aPlainCheckThatCannotReadTheClusterStillWritesItsMetrics() async throws {
        let harness = try FleetHarness()
        try harness.repository.commitAll("manifests")
        let metrics = harness.home.file("m.prom")
        let result = try await harness.run(
            ["check", "--live-file", harness.home.file("missing.json"), "--metrics-file", metrics])
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.json"))
        #expect(result.stdout.isEmpty, "no report when the live state could not be read")
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(value(text, "endpoint_drift_up{cluster=\"snapshot\"}") == "0")
        #expect(value(text, "endpoint_drift_check_errors{cluster=\"snapshot\"}") == "1")
    }
}
