import Drift
import Foundation
import Reporting
import TestSupport
import Testing

/// `--metrics-file`: the Prometheus text format, checked by the real `promtool`.
@Suite struct MetricsTests {
    let metrics = PrometheusMetrics(timestamp: 1_795_240_800.5, previousSuccess: ["lab": 1_795_150_000])

    func samples(_ text: String, _ name: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let parts = line.split(separator: " ")
            values[String(parts[0].dropFirst(name.count))] = String(parts[1])
        }
        return values
    }

    @Test func countsPerClusterServiceAndType() {
        let text = metrics.exposition(FleetScenario.fleet())
        #expect(
            samples(text, "endpoint_drift_up") == [
                "{cluster=\"prod\"}": "1", "{cluster=\"staging\"}": "1", "{cluster=\"lab\"}": "0",
            ])
        #expect(samples(text, "endpoint_drift_services_checked")["{cluster=\"prod\"}"] == "2")
        #expect(samples(text, "endpoint_drift_services_checked")["{cluster=\"lab\"}"] == "0")
        #expect(samples(text, "endpoint_drift_drifted_services")["{cluster=\"prod\"}"] == "1")
        #expect(samples(text, "endpoint_drift_services")["{cluster=\"prod\",status=\"in-sync\"}"] == "1")
        let findings = samples(text, "endpoint_drift_findings")
        #expect(findings["{cluster=\"prod\",type=\"missing-backend\"}"] == "1")
        #expect(findings["{cluster=\"prod\",type=\"stale-backend\"}"] == "1")
        #expect(findings["{cluster=\"prod\",type=\"port-drift\"}"] == "0")
        #expect(samples(text, "endpoint_drift_ignored_findings")["{cluster=\"prod\"}"] == "1")
        let service = "cluster=\"prod\",namespace=\"shop\",endpoint=\"orders-db\",service=\"orders-db\""
        #expect(samples(text, "endpoint_drift_desired_backends")["{\(service)}"] == "2")
        #expect(samples(text, "endpoint_drift_live_backends")["{\(service)}"] == "2")
        #expect(samples(text, "endpoint_drift_service_findings")["{\(service),type=\"missing-backend\"}"] == "1")
        #expect(samples(text, "endpoint_drift_service_status")["{\(service),status=\"drifted\"}"] == "1")
        // The unreachable cluster: no live count (not zero), an error, the last success carried over.
        #expect(samples(text, "endpoint_drift_live_backends").keys.allSatisfy { !$0.contains("lab") })
        #expect(samples(text, "endpoint_drift_check_errors")["{cluster=\"lab\"}"] == "2")
        #expect(samples(text, "endpoint_drift_last_success_timestamp_seconds")["{cluster=\"lab\"}"] == "1795150000")
        #expect(samples(text, "endpoint_drift_last_success_timestamp_seconds")["{cluster=\"prod\"}"] == "1795240800.5")
        #expect(samples(text, "endpoint_drift_last_run_timestamp_seconds")["{cluster=\"lab\"}"] == "1795240800.5")
        #expect(samples(text, "endpoint_drift_check_duration_seconds")["{cluster=\"prod\"}"] == "1.25")
        #expect(samples(text, "endpoint_drift_run_duration_seconds")[""] == "2.5")
    }

    @Test func labelsAreBoundedAndNeverAddresses() {
        let text = metrics.exposition(FleetScenario.fleet())
        let allowed: Set<String> = ["cluster", "namespace", "endpoint", "service", "type", "status"]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}") else { continue }
            for pair in line[line.index(after: open)..<close].split(separator: ",") {
                let name = String(pair.prefix { $0 != "=" })
                #expect(allowed.contains(name), "label \(name) in \(line)")
            }
            #expect(!line.contains("10.0.0."), "an address in \(line)")
        }
    }

    /// kube-state-metrics' `kube_endpoint_*` carry `namespace` and `endpoint` (the Endpoints' name,
    /// the Service's): ours carry both, so `on (namespace, endpoint)` joins them.
    @Test func perServiceSeriesCarryKubeStateMetricsLabels() {
        let text = metrics.exposition(FleetScenario.fleet())
        for line in text.split(separator: "\n") where line.contains("service=\"") {
            #expect(line.contains("namespace=\""), "\(line)")
            guard let start = line.range(of: ",service=\"") else { continue }
            let name = line[start.upperBound...].prefix { $0 != "\"" }
            #expect(line.contains("endpoint=\"\(name)\",service=\"\(name)\""), "\(line)")
        }
    }

    /// `serve --metrics-backend-labels`: one series per backend, with where it is, and still lint-clean.
    @Test func backendLabelsOnlyWhenAskedAndPromtoolAcceptsThem() throws {
        #expect(!metrics.exposition(FleetScenario.fleet()).contains("endpoint_drift_backend{"))
        var withBackends = metrics
        withBackends.backendLabels = true
        let text = withBackends.exposition(FleetScenario.fleet())
        let backends = samples(text, "endpoint_drift_backend")
        #expect(!backends.isEmpty)
        #expect(backends.keys.allSatisfy { $0.contains("address=\"") && $0.contains("present=\"") })
        #expect(backends.keys.contains { $0.contains("present=\"both\"") })
        #expect(backends.keys.contains { $0.contains("present=\"git\"") || $0.contains("present=\"cluster\"") })
        let result = try ProcessRunner.run("/usr/bin/env", ["promtool", "check", "metrics"], input: Data(text.utf8))
        #expect(
            result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
    }

    @Test func promtoolAcceptsIt() throws {
        let text = metrics.exposition(FleetScenario.fleet())
        let result = try ProcessRunner.run("/usr/bin/env", ["promtool", "check", "metrics"], input: Data(text.utf8))
        #expect(result.status != 127, "promtool not found; run `make deps` (Debian prometheus)")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "promtool lint: \(result.stdout)\(result.stderr)")
    }

    @Test func aPushOfOneClusterHasOnlyItsSeries() {
        let text = metrics.exposition(FleetScenario.fleet(), cluster: "prod")
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("{") }
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.contains("cluster=\"prod\"") })
    }

    @Test func theLastSuccessIsReadBackFromAnEarlierFile() {
        let text = metrics.exposition(FleetScenario.fleet())
        #expect(
            PrometheusMetrics.lastSuccess(in: text) == [
                "prod": 1_795_240_800.5, "staging": 1_795_240_800.5, "lab": 1_795_150_000,
            ])
        #expect(
            PrometheusMetrics.lastSuccess(
                in: "garbage\nendpoint_drift_last_success_timestamp_seconds{cluster=\"x\"} nope\n"
            ).isEmpty)
    }
}
