import EndpointDriftKit
import Foundation
import LiveState
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `serve` against the fake API server (list + watch) and a local repository: not ready before the
/// first sync; a live change and a new commit show in /metrics and /report.
@Suite("serve keeps the check current")
struct ServeTests {
    static let token = "serve-e2e-token-77a1"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    static func endpointsJSON(_ ip: String, version: String) -> String {
        """
        {"kind":"Endpoints","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"\(version)"},"subsets":[{"addresses":[{"ip":"\(ip)"}],"ports":[{"name":"http","port":5000,"protocol":"TCP"}]}]}
        """
    }

    static func manifest(_ ip: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: nas, namespace: net}
        spec:
          ports: [{name: http, port: 5000}]
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: nas, namespace: net}
        subsets:
          - addresses: [{ip: \(ip)}]
            ports: [{name: http, port: 5000}]

        """
    }

    final class Port: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int?
        func set(_ port: Int) { lock.withLock { value = port } }
        var port: Int? { lock.withLock { value } }
    }

    static func get(_ port: Int, _ path: String, accept: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        request.timeoutInterval = 30
        if let accept { request.setValue(accept, forHTTPHeaderField: "Accept") }
        let (body, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: body, as: UTF8.self))
    }

    /// Runs `serve` with `configuration` (its `listening` callback replaced) until the returned task
    /// is cancelled, and waits until it listens: the port and the task.
    static func start(_ configuration: ServeJob.Configuration) async throws -> (Int, Task<Void, any Error>) {
        let listening = Port()
        var configuration = configuration
        configuration.listening = { listening.set($0) }
        let serving = Task { try await ServeJob.run(configuration) }
        do {
            try await eventually("listening") { listening.port != nil }
            return (try #require(listening.port), serving)
        } catch {
            serving.cancel()
            throw error
        }
    }

    /// Waits (loosely bounded, at least 120 s, only against a hang) until `condition` holds.
    static func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<2400 {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        Issue.record("never: \(what)")
        throw CancellationError()
    }

    @Test func aLiveChangeAndANewCommitShowInMetricsAndReport() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
        defer { Task { await server.stop() } }
        let service = """
            {"kind":"Service","apiVersion":"v1","metadata":{"name":"nas","namespace":"net","resourceVersion":"9"},"spec":{"ports":[{"name":"http","protocol":"TCP","port":5000,"targetPort":5000}],"clusterIP":"10.96.0.50","type":"ClusterIP"}}
            """
        // The first list answers late: /readyz must say "not ready" meanwhile.
        let endpointsWatch = WatchedNamespace(
            "net", on: server, services: [service], endpoints: [Self.endpointsJSON("192.0.2.1", version: "10")],
            servicesDelay: 3
        ).endpoints

        let repository = try TempGitRepository()
        try repository.write("net/nas.yaml", Self.manifest("192.0.2.1"))
        _ = try repository.commitAll("nas")
        let kubeconfig = try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
        let configuration = ServeJob.Configuration(
            check: CheckJob.Configuration(repositoryPath: repository.path),
            live: LiveSettings(
                connection: ConnectionRequest(kubeconfigPath: kubeconfig),
                environment: ConnectionEnvironment(variables: ["HOME": home.path], serviceAccountDirectory: nil)),
            clusterName: "lab", host: "127.0.0.1", port: 0, interval: 0.2)
        let (port, serving) = try await ServeTests.start(configuration)
        defer { serving.cancel() }

        #expect(try await Self.get(port, "/healthz").0 == 200)
        #expect(try await Self.get(port, "/readyz").0 == 503)
        try await Self.eventually("ready") { try await Self.get(port, "/readyz").0 == 200 }
        let metrics = try await Self.get(port, "/metrics").1
        #expect(metrics.contains("endpoint_drift_up{cluster=\"lab\"} 1"), "\(metrics)")
        #expect(metrics.contains("endpoint_drift_drifted_services{cluster=\"lab\"} 0"), "\(metrics)")
        #expect(metrics.contains("endpoint_drift_build_info{version="))
        #expect(!metrics.contains(Self.token))
        let promtool = try ProcessRunner.run(
            "/usr/bin/env", ["promtool", "check", "metrics"], input: Data(metrics.utf8))
        #expect(
            promtool.status == 0 && promtool.stdout.isEmpty && promtool.stderr.isEmpty,
            "\(promtool.stdout)\(promtool.stderr)")

        // serve's alert rules (deploy/serve) use only metrics serve writes.
        let rules = try String(
            contentsOfFile: Validators.packageRoot + "/deploy/serve/endpoint-drift-serve.rules.yml", encoding: .utf8)
        let used = Set(
            rules.split(whereSeparator: { !$0.isLetter && $0 != "_" }).filter { $0.hasPrefix("endpoint_drift_") })
        #expect(used.count == 4)
        for name in used { #expect(metrics.contains("# TYPE \(name) "), "\(name) is not written") }

        // The cluster changes: the drift shows without a new run.
        endpointsWatch.send("MODIFIED", Self.endpointsJSON("192.0.2.9", version: "101"))
        try await Self.eventually("drift in metrics") {
            try await Self.get(port, "/metrics").1.contains("endpoint_drift_drifted_services{cluster=\"lab\"} 1")
        }
        let json = try await Self.get(port, "/report", accept: "application/json").1
        #expect(json.contains("\"stale-backend\""), "\(json.prefix(500))")
        #expect(json.contains("192.0.2.9"))
        let html = try await Self.get(port, "/report")
        #expect(html.0 == 200 && html.1.contains("<html"))
        #expect(try await Self.get(port, "/metrics").1.contains("endpoint_drift_watch_events_total{cluster=\"lab\"} 1"))

        // git follows: a commit that says .9 makes the report clean again.
        try repository.write("net/nas.yaml", Self.manifest("192.0.2.9"))
        _ = try repository.commitAll("nas moved")
        try await Self.eventually("clean after the commit") {
            try await Self.get(port, "/metrics").1.contains("endpoint_drift_drifted_services{cluster=\"lab\"} 0")
        }
        #expect(try await Self.get(port, "/nope").0 == 404)
        serving.cancel()
        _ = await serving.result
    }
}
