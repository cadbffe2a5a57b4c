import Foundation
import TestSupport
import Testing

/// `--vars-from-cluster` and per-cluster variables: the home-ops tree's SOPS-encrypted
/// `cluster-secrets` is read from the fake API server, and its value is never shown.
extension GitOpsLayoutTests {
    /// The Secret as the API server returns it for a GET (base64 `data`, `type: Opaque`).
    static func clusterSecret(_ values: [String: String]) -> FakeResponse {
        let data = values.sorted { $0.key < $1.key }.map {
            "\"\($0.key)\":\"\(Data($0.value.utf8).base64EncodedString())\""
        }
        .joined(separator: ",")
        let body = """
            {"kind":"Secret","apiVersion":"v1","metadata":{"name":"cluster-secrets","namespace":"flux-system","uid":"0c1e5ad2-3a57-4b8e-9a43-1f0b7c9d2e11","resourceVersion":"731","creationTimestamp":"2026-11-30T09:12:44Z"},"data":{\(data)},"type":"Opaque"}
            """
        return .custom(status: 200, headers: [("content-type", "application/json")], body: Array(body.utf8))
    }

    static let secretPath = "/api/v1/namespaces/flux-system/secrets/cluster-secrets"

    /// Whether `text` holds `address` as a whole token (not inside 192.0.2.10).
    static func holdsToken(_ text: String, _ address: String) -> Bool {
        let pattern = "(^|[^0-9A-Za-z.:_-])" + NSRegularExpression.escapedPattern(for: address) + "($|[^0-9A-Za-z.:_-])"
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    @Test("--vars-from-cluster reads the encrypted Secret from the cluster: in sync, nothing to report")
    func varsFromClusterInSync() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network", services: [Self.liveService("nas", "network")],
            endpoints: [Self.liveEndpoints("nas", "network", ["192.0.2.10", "192.0.2.1"])])
        server.on(Self.secretPath, respond: Self.clusterSecret(["SECRET_ROUTER_IP": "192.0.2.1", "OTHER": "x"]))
        let repository = try homeOpsRepository()
        for format in ["json", "text", "markdown"] {
            let result = try await CLI.run(
                [
                    "check", "--repo", repository.path, "--path", "kubernetes/apps/network/proxy", "--kubeconfig",
                    try kubeconfig(server), "--vars-from-cluster", "-o", format,
                ], home: home)
            #expect(result.status == 0, "\(format): \(result.stdout)\n\(result.stderr)")
            if format == "json" { #expect(try findings(result.stdout) == []) }
            #expect(!Self.holdsToken(result.stdout + result.stderr, "192.0.2.1"), "\(format): \(result.stdout)")
        }
        // Only the Secret git cannot read was asked for; the ConfigMap is in git.
        let gets = server.requests.filter { $0.path.contains("/secrets/") || $0.path.contains("/configmaps/") }
        #expect(gets.count == 3)
        #expect(gets.allSatisfy { $0.path == Self.secretPath && $0.method == "GET" })
    }

    @Test("--vars-from-cluster: drift on a Secret's address is reported without the value")
    func varsFromClusterDriftMasksTheSecret() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network", services: [Self.liveService("nas", "network")],
            endpoints: [Self.liveEndpoints("nas", "network", ["192.0.2.10", "192.0.2.9"])])
        server.on(Self.secretPath, respond: Self.clusterSecret(["SECRET_ROUTER_IP": "192.0.2.1"]))
        let repository = try homeOpsRepository()
        let arguments = [
            "check", "--repo", repository.path, "--path", "kubernetes/apps/network/proxy", "--kubeconfig",
            try kubeconfig(server), "--vars-from-cluster",
        ]
        let result = try await CLI.run(arguments + ["-o", "json"], home: home)
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let nas = "kubernetes/apps/network/proxy/app/nas.yaml"
        #expect(
            try findings(result.stdout) == [
                "missing-backend network/nas <secret> \(nas):17", "stale-backend network/nas 192.0.2.9 \(nas):10",
            ])
        let text = try await CLI.run(arguments + ["-o", "text", "-o", "sarif=\(home.file("out.sarif"))"], home: home)
        #expect(text.status == 1)
        let sarif = try String(contentsOfFile: home.file("out.sarif"), encoding: .utf8)
        for output in [result.stdout, result.stderr, text.stdout, text.stderr, sarif] {
            #expect(!Self.holdsToken(output, "192.0.2.1"), "\(output)")
        }
        #expect(text.stdout.contains("<secret>"), "\(text.stdout)")
    }

    @Test("--vars-from-cluster without the permission: a warning with the Role rule, the variable stays unresolved")
    func varsFromClusterForbidden() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        Self.serve(
            server, namespace: "network", services: [Self.liveService("nas", "network")],
            endpoints: [Self.liveEndpoints("nas", "network", ["192.0.2.10", "192.0.2.1"])])
        server.on(
            Self.secretPath,
            respond: .status(
                403, reason: "Forbidden",
                message:
                    #"secrets \"cluster-secrets\" is forbidden: User \"system:serviceaccount:ci:endpoint-drift\" "#
                    + #"cannot get resource \"secrets\" in API group \"\" in the namespace \"flux-system\""#))
        let repository = try homeOpsRepository()
        let result = try await CLI.run(
            [
                "check", "--repo", repository.path, "--path", "kubernetes/apps/network/proxy", "--kubeconfig",
                try kubeconfig(server), "--vars-from-cluster", "-o", "json",
            ], home: home)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("get secrets/cluster-secrets in namespace flux-system"), "\(result.stderr)")
        #expect(result.stderr.contains("resourceNames: [\"cluster-secrets\"]"), "\(result.stderr)")
        let document = try CLI.json(result.stdout)
        let finding = try #require((document["findings"] as? [[String: Any]])?.first)
        #expect(finding["type"] as? String == "unresolved-variable")
        let message = (finding["message"] as? String ?? "") + (finding["hint"] as? String ?? "")
        #expect(message.contains("not read from the cluster"), "\(message)")
    }

    @Test("--vars-from-cluster needs the API server, not a snapshot")
    func varsFromClusterNeedsTheAPI() async throws {
        let repository = try homeOpsRepository()
        let snapshot = try home.write("live.json", "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}")
        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--live-file", snapshot, "--vars-from-cluster"], home: home)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--vars-from-cluster reads ConfigMaps and Secrets through the API server"))
    }

    @Test("Per-cluster variables in the cluster map: values, files, and the command line's --vars after them")
    func perClusterVariables() async throws {
        let repository = try homeOpsRepository()
        // The cluster each entry reads: the router is .1 in one and .2 in the other.
        func snapshot(_ router: String) -> String {
            let service = Self.liveService("nas", "network").replacingOccurrences(
                of: "{\"metadata\"", with: "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\"")
            let endpoints = Self.liveEndpoints("nas", "network", ["192.0.2.10", router]).0.replacingOccurrences(
                of: "{\"metadata\"", with: "{\"kind\":\"Endpoints\",\"apiVersion\":\"v1\",\"metadata\"")
            return "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\(service),\(endpoints)]}"
        }
        let one = try home.write("one.json", snapshot("192.0.2.1"))
        let two = try home.write("two.json", snapshot("192.0.2.2"))
        let twoVars = try home.write("two.env", "SECRET_ROUTER_IP=192.0.2.2\n")
        let global = try home.write("global.env", "SECRET_ROUTER_IP=192.0.2.99\n")
        let config = try home.write(
            "fleet.yaml",
            """
            clusters:
              - name: one
                liveFile: \(one)
                variables: {SECRET_ROUTER_IP: 192.0.2.1}
              - name: two
                liveFile: \(two)
                vars: [\(twoVars)]
              - name: three
                liveFile: \(two)

            """)
        let result = try await CLI.run(
            [
                "check", "--repo", repository.path, "--path", "kubernetes/apps/network/proxy", "--config", config,
                "--all-clusters", "--vars", global, "-o", "json",
            ], home: home)
        // one and two agree with git; three takes --vars (…99), which the cluster does not serve.
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        let document = try CLI.json(result.stdout)
        let clusters = try #require(document["clusters"] as? [[String: Any]])
        var findingsByCluster: [String: [String]] = [:]
        for cluster in clusters {
            let name = cluster["name"] as? String ?? ""
            let list =
                (cluster["report"] as? [String: Any])?["findings"] as? [[String: Any]] ?? cluster["findings"]
                as? [[String: Any]] ?? []
            findingsByCluster[name] = list.map { "\($0["type"] as? String ?? "") \($0["address"] as? String ?? "-")" }
                .sorted()
        }
        #expect(findingsByCluster["one"] == [], "\(findingsByCluster)")
        #expect(findingsByCluster["two"] == [], "\(findingsByCluster)")
        #expect(
            findingsByCluster["three"] == ["missing-backend 192.0.2.99", "stale-backend 192.0.2.2"],
            "\(findingsByCluster)")
    }

    @Test("A cluster's vars file that cannot be read is that cluster's error")
    func perClusterVariablesUnreadable() async throws {
        let repository = try homeOpsRepository()
        let config = try home.write(
            "fleet.yaml",
            """
            clusters:
              - name: one
                liveFile: \(home.file("none.json"))
                vars: [\(home.file("missing.env"))]

            """)
        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--config", config, "--all-clusters"], home: home)
        #expect(result.status == 2)
        #expect(
            result.stdout.contains("clusters[one].vars") || result.stderr.contains("clusters[one].vars"),
            "\(result.stdout)\n\(result.stderr)")
    }
}
