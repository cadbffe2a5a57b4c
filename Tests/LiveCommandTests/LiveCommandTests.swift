import Foundation
import TestSupport
import Testing

@Suite("endpoint-drift live, end to end against the fake API server")
struct LiveCommandTests {
    static let token = "e2e-token-0c4d1f"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    private func server() async throws -> FakeKubernetesAPI {
        try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
    }

    private func kubeconfig(_ server: FakeKubernetesAPI, user: [String]? = nil) throws -> String {
        try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: user ?? ["token: \(Self.token)"]))
    }

    @Test("-A -o json prints every service with its backends, in scan's shape; exit 0")
    func allNamespacesJSON() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let result = try await CLI.run(
            ["live", "-A", "--kubeconfig", try kubeconfig(server), "-o", "json"], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let document = try CLI.json(result.stdout)
        #expect(document["schemaVersion"] as? Int == 1)
        #expect(
            CLI.backendCounts(document) == [
                "default/kubernetes": 1, "payments/billing-api": 0, "payments/ledger": 2, "payments/mainframe": 5,
                "shop/object-store": 8, "shop/orders-db": 3, "shop/web": 0, "storage/ceph-rgw": 6,
            ])
        let source = try #require(document["source"] as? [String: Any])
        #expect(source["kind"] as? String == "live")
        #expect(source["cluster"] as? String == "context test (\(server.serverURL))")
        let orders = try #require(
            (document["services"] as? [[String: Any]])?.first { $0["name"] as? String == "orders-db" })
        #expect(orders["backing"] as? String == "Endpoints+EndpointSlice")
        let sources = try #require(orders["sources"] as? [[String: Any]])
        #expect(sources.compactMap { $0["mirrored"] as? Bool } == [true])
        #expect(sources.allSatisfy { $0["resourceVersion"] is String })
        #expect(server.requests.allSatisfy { $0.header("User-Agent")?.hasPrefix("endpoint-drift/") == true })
    }

    @Test("text output for one namespace")
    func namespaceText() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let result = try await CLI.run(["live", "-n", "shop", "--kubeconfig", try kubeconfig(server)], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("Live state from context test (\(server.serverURL)) at ") == true)
        #expect(lines.dropFirst().first == "3 services in 1 namespace, 11 backends")
        #expect(result.stdout.contains("shop/orders-db  Endpoints+EndpointSlice  ports 5432/TCP\n"))
        #expect(result.stdout.contains("  203.0.113.22:5432/TCP  not ready\n"))
        #expect(
            result.stdout.contains(
                "  EndpointSlice orders-db-zxhjp  resourceVersion 291  managed-by endpointslicemirroring-controller.k8s.io\n"
            ))
        #expect(!server.requests.contains { $0.path.contains("/namespaces/payments/") })
    }

    @Test("without -n or -A the namespaces of the desired state are read")
    func defaultScopeFromRepository() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let repository = try TempGitRepository()
        try repository.write(
            "payments/ledger.yaml",
            """
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments}
            spec:
              ports: [{name: grpc, port: 9090}]
            """)
        try repository.write(
            "storage/rgw.yaml",
            """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: ceph-rgw, namespace: storage}
            subsets:
            - addresses: [{ip: 192.0.2.10}]
              ports: [{name: http, port: 8080}]
            """)
        try repository.commitAll()
        let result = try await CLI.run(
            ["live", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "-o", "json"], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            Set(CLI.backendCounts(try CLI.json(result.stdout)).keys) == [
                "payments/billing-api", "payments/ledger", "payments/mainframe", "storage/ceph-rgw",
            ])
        let namespaces = Set(
            server.requests.compactMap { request -> String? in
                let parts = request.path.split(separator: "/")
                guard let index = parts.firstIndex(of: "namespaces") else { return nil }
                return String(parts[index + 1])
            })
        #expect(namespaces == ["payments", "storage"])
        #expect(!server.requests.contains { $0.path == "/api/v1/endpoints" })
    }

    @Test("without -n, -A or a readable repository it asks for -n or -A; exit 2")
    func noScope() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let result = try await CLI.run(
            ["live", "--repo", home.file("not-a-repo"), "--kubeconfig", try kubeconfig(server)], home: home)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.hasPrefix(
                "endpoint-drift: error: choose namespaces: no -n or -A given, and the desired state could not be read"))
        #expect(result.stderr.contains("pass -n NAMESPACE (repeatable) or -A"))
        #expect(server.requests.isEmpty)
    }

    @Test("403: exit 2, the verb, the resource, the namespace and the rule on stderr")
    func forbidden() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        server.on("/api/v1/namespaces/shop/endpoints", respond: .recorded("error-403-reader-namespace"))
        let result = try await CLI.run(["live", "-n", "shop", "--kubeconfig", try kubeconfig(server)], home: home)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.hasPrefix(
                "endpoint-drift: error: list endpoints in namespace shop: user \"test-user\" of context \"test\" may not list endpoints in namespace shop (403 Forbidden"
            ))
        #expect(result.stderr.contains("    resources: [\"endpoints\"]\n    verbs: [\"list\"]\n"))
    }

    @Test("401: exit 2")
    func unauthorized() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let result = try await CLI.run(
            ["live", "-A", "--kubeconfig", try kubeconfig(server, user: ["token: wrong-token-value"])], home: home)
        #expect(result.status == 2)
        #expect(
            result.stderr.contains(
                "did not accept the credentials of user \"test-user\" of context \"test\" (401 Unauthorized"))
        #expect(!result.stderr.contains("wrong-token-value"))
    }

    @Test("Warning headers go to stderr once, never into the JSON on stdout")
    func warnings() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        server.warnOnEndpoints()
        let result = try await CLI.run(
            ["live", "-n", "shop", "-n", "payments", "--kubeconfig", try kubeconfig(server), "-o", "json"], home: home)
        #expect(result.status == 0)
        #expect(
            result.stderr == "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n")
        #expect(!result.stdout.contains("deprecated"))
        _ = try CLI.json(result.stdout)
    }

    @Test("--save-live then --live-file replays the same inventory offline")
    func saveAndReplay() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let saved = home.file("snapshots/live.json")
        let live = try await CLI.run(
            ["live", "-A", "--kubeconfig", try kubeconfig(server), "--save-live", saved, "-o", "json"], home: home)
        #expect(live.status == 0, "\(live.stderr)")
        await server.stop()
        let replay = try await CLI.run(["live", "-A", "--live-file", saved, "-o", "json"], home: home)
        #expect(replay.status == 0, "\(replay.stderr)")
        var first = try CLI.json(live.stdout)
        var second = try CLI.json(replay.stdout)
        #expect((second["source"] as? [String: Any])?["cluster"] as? String == "file \(saved)")
        first["source"] = nil
        second["source"] = nil
        #expect(NSDictionary(dictionary: first).isEqual(to: second))

        // An empty snapshot is refused rather than read as "the cluster has nothing".
        let empty = try await CLI.run(["live", "-n", "shop", "--live-file", "-", "-o", "json"], home: home)
        #expect(empty.status == 2)
        #expect(
            empty.stderr.hasPrefix("endpoint-drift: error: read stdin: it is empty; pass the output of `kubectl get"))
    }

    @Test("--live-file from stdin")
    func liveFileFromStdin() async throws {
        let body = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("k8s-api/list-endpoints-shop.body.json")))
        let binary = try TestBinary.endpointDrift
        let result = try ProcessRunner.run(
            binary, ["live", "-A", "--live-file", "-", "-o", "json"],
            environment: ["HOME": home.path, "KUBECONFIG": ""], input: body)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(CLI.backendCounts(try CLI.json(result.stdout)) == ["shop/orders-db": 3, "shop/web": 0])
    }

    @Test("in a pod: no kubeconfig, KUBERNETES_SERVICE_HOST set, the service account is used")
    func inCluster() async throws {
        let server = try await FakeKubernetesAPI.start(authentication: .init(tokens: ["pod-token-77"]))
        defer { Task { await server.stop() } }
        try home.write("sa/token", "pod-token-77\n")
        try home.write("sa/ca.crt", try server.pki.read(server.pki.caCertificate))
        try home.write("sa/namespace", "shop\n")
        let result = try await CLI.run(
            ["live", "-n", "shop", "-o", "json"],
            environment: [
                "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port),
                "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": home.file("sa"),
            ], home: home)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try CLI.json(result.stdout)
        #expect(
            (document["source"] as? [String: Any])?["cluster"] as? String
                == "in-cluster (https://127.0.0.1:\(server.port))")
        #expect(server.requests.allSatisfy { $0.authenticatedAs == "token" })
    }

    @Test("--help shows the least-privilege ClusterRole and the exit codes")
    func help() async throws {
        let result = try await CLI.run(["live", "--help"], home: home)
        #expect(result.status == 0)
        for expected in [
            "kind: ClusterRole", "resources: [\"services\", \"endpoints\"]", "apiGroups: [\"discovery.k8s.io\"]",
            "resources: [\"endpointslices\"]", "verbs: [\"get\", \"list\"]", "Exit codes: 0 read; 2 could not read",
            "--kubeconfig", "--context", "--in-cluster", "--namespace", "--all-namespaces", "--chunk-size",
            "--request-timeout", "--live-file", "--save-live",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
    }

    @Test("conflicting or malformed flags exit 2")
    func badFlags() async throws {
        let cases: [([String], String)] = [
            (["live", "-A", "-n", "shop"], "-A/--all-namespaces and -n/--namespace exclude each other"),
            (["live", "-A", "--request-timeout", "soon"], "--request-timeout: 'soon' is not a duration"),
            (["live", "-A", "--in-cluster", "--context", "x"], "--in-cluster uses the pod's service account"),
            (["live", "-A", "--live-file", "x.json", "--save-live", "y.json"], "--live-file reads a snapshot"),
            (["live", "-A", "--chunk-size=-1"], "--chunk-size must be 0 or more"),
            (
                ["live", "-A", "--kubeconfig", "/nonexistent/kubeconfig"],
                "read kubeconfig /nonexistent/kubeconfig: /nonexistent/kubeconfig does not exist"
            ),
        ]
        for (arguments, message) in cases {
            let result = try await CLI.run(arguments, home: home)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
