import Foundation
import TestSupport
import Testing

/// `--pushgateway` against a real `prometheus-pushgateway` started on 127.0.0.1 by the test, and
/// read back from its API.
@Suite(.serialized) struct PushgatewayTests {
    /// The value of `metric` in the group of `cluster`, as the gateway's API returns it.
    func value(_ groups: [[String: Any]], cluster: String, _ metric: String) -> String? {
        let group = groups.first { ($0["labels"] as? [String: String])?["cluster"] == cluster }
        let family = group?[metric] as? [String: Any]
        return (family?["metrics"] as? [[String: Any]])?.first?["value"] as? String
    }

    func harness(_ entries: [String]) throws -> FleetHarness {
        let harness = try FleetHarness()
        try harness.commitMap(entries)
        return harness
    }

    @Test func eachClusterIsPushedToItsGroup() async throws {
        let gateway = try TestPushgateway()
        defer { gateway.stop() }
        let deadPort = try RefusingPort.port()
        let harness = try harness([
            "- name: prod\n  liveFile: \(Fixtures.path("demo/live.json"))\n  paths: [apps]",
            "- name: lab\n  context: lab\n  paths: [apps]",
        ])
        let kubeconfig = try harness.kubeconfig([("lab", "https://127.0.0.1:\(deadPort)")])
        let result = try await harness.run(
            ["check", "--all-clusters", "--kubeconfig", kubeconfig, "--pushgateway", gateway.url, "-o", "json=r.json"])
        #expect(result.status == 2, "lab is unreachable: \(result.stderr)")
        #expect(!result.stderr.contains("push"), "\(result.stderr)")

        let groups = try gateway.groups()
        let labels = groups.compactMap { $0["labels"] as? [String: String] }
        #expect(Set(labels.map { $0["job"] ?? "" }) == ["endpoint-drift"])
        #expect(Set(labels.map { $0["cluster"] ?? "" }) == ["prod", "lab"])
        #expect(value(groups, cluster: "prod", "endpoint_drift_up") == "1")
        #expect(value(groups, cluster: "prod", "endpoint_drift_services_checked") == "6")
        #expect(value(groups, cluster: "lab", "endpoint_drift_up") == "0")
        #expect(value(groups, cluster: "lab", "endpoint_drift_last_success_timestamp_seconds") == nil)
        // The exposition the gateway serves passes promtool too.
        let exposition = try gateway.get("/metrics")
        #expect(
            exposition.contains(
                "endpoint_drift_drifted_services{cluster=\"prod\",instance=\"\",job=\"endpoint-drift\"} 4"))
    }

    @Test func aFailedCheckKeepsTheLastSuccessInTheGateway() async throws {
        let gateway = try TestPushgateway()
        defer { gateway.stop() }
        let harness = try harness(["- name: prod\n  liveFile: \(Fixtures.path("demo/live.json"))\n  paths: [apps]"])
        let ok = try await harness.run(
            [
                "check", "--all-clusters", "--pushgateway", gateway.url, "--pushgateway-job", "drift-nightly", "-o",
                "json=r.json",
            ])
        #expect(ok.status == 1, "\(ok.stderr)")
        let success = try #require(
            value(try gateway.groups(), cluster: "prod", "endpoint_drift_last_success_timestamp_seconds"))

        let failed = try await harness.run([
            "check", "--cluster", "prod", "--live-file", harness.home.file("gone.json"), "--pushgateway", gateway.url,
            "--pushgateway-job", "drift-nightly", "-o", "json=r.json",
        ])
        #expect(failed.status == 2)
        let groups = try gateway.groups()
        #expect((groups.first?["labels"] as? [String: String])?["job"] == "drift-nightly")
        #expect(value(groups, cluster: "prod", "endpoint_drift_up") == "0")
        #expect(value(groups, cluster: "prod", "endpoint_drift_last_success_timestamp_seconds") == success)
    }

    @Test func basicAuthFromTheEnvironmentNeverPrinted() async throws {
        let gateway = try TestPushgateway(basicAuth: true)
        defer { gateway.stop() }
        let harness = try harness(["- name: prod\n  liveFile: \(Fixtures.path("demo/live.json"))\n  paths: [apps]"])
        let arguments = ["check", "--all-clusters", "--pushgateway", gateway.url, "-o", "json=r.json"]

        let refused = try await harness.run(arguments)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("push metrics of cluster prod to \(gateway.url): the Pushgateway answered 401"))

        let wrong = try await harness.run(
            arguments,
            environment: [
                "ENDPOINT_DRIFT_PUSHGATEWAY_USERNAME": TestPushgateway.username,
                "ENDPOINT_DRIFT_PUSHGATEWAY_PASSWORD": "not-the-password-4711",
            ])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("401"))
        #expect(!wrong.stderr.contains("not-the-password-4711") && !wrong.stdout.contains("not-the-password-4711"))

        let accepted = try await harness.run(
            arguments,
            environment: [
                "ENDPOINT_DRIFT_PUSHGATEWAY_USERNAME": TestPushgateway.username,
                "ENDPOINT_DRIFT_PUSHGATEWAY_PASSWORD": TestPushgateway.password,
            ])
        #expect(accepted.status == 1, "\(accepted.stderr)")
        #expect(!accepted.stderr.contains(TestPushgateway.password))
        #expect(value(try gateway.groups(), cluster: "prod", "endpoint_drift_up") == "1")
    }

    @Test func aBearerTokenGoesInTheHeaderOnly() async throws {
        let receiver = try await LocalHTTPReceiver.start()
        let harness = try harness(["- name: prod\n  liveFile: \(Fixtures.path("demo/live.json"))\n  paths: [apps]"])
        let token = "push-token-8d1f0c2b"
        let result = try await harness.run(
            ["check", "--all-clusters", "--pushgateway", receiver.url + "/gateway/", "-o", "json=r.json"],
            environment: ["ENDPOINT_DRIFT_PUSHGATEWAY_TOKEN": token])
        await receiver.stop()
        #expect(result.status == 1, "\(result.stderr)")
        let request = try #require(receiver.requests.first)
        #expect(request.method == "PUT")
        #expect(request.path == "/gateway/metrics/job/endpoint-drift/cluster/prod")
        #expect(request.header("Authorization") == "Bearer \(token)")
        #expect(request.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(request.body.contains("endpoint_drift_up{cluster=\"prod\"} 1\n"))
        #expect(!result.stderr.contains(token) && !result.stdout.contains(token))
    }
}
