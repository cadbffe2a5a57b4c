import Foundation
import TestSupport
import Testing

/// `check` and `fix` end to end against the fake API server (real HTTPS, the recorded cluster's
/// answers), cross-checked with the same runs from `fixtures/demo/live.json`, a snapshot of that cluster.
@Suite("check and fix against the fake API server")
struct CheckAgainstAPIServerTests {
    static let token = "check-e2e-token-7a1b"
    let home: TempFolder

    init() throws { home = try TempFolder() }

    private func server() async throws -> FakeKubernetesAPI {
        try await FakeKubernetesAPI.start(authentication: .init(tokens: [Self.token]))
    }

    private func kubeconfig(_ server: FakeKubernetesAPI) throws -> String {
        try home.write(
            "kubeconfig",
            KubeconfigText.single(cluster: try KubeconfigText.cluster(server), user: ["token: \(Self.token)"]))
    }

    /// A repository holding the demo manifests, committed.
    private func demoRepository() throws -> TempGitRepository {
        let repository = try TempGitRepository()
        let demo = Fixtures.path("demo/repo")
        for name in try FileManager.default.subpathsOfDirectory(atPath: demo) where name.hasSuffix(".yaml") {
            try repository.write(name, try String(contentsOfFile: "\(demo)/\(name)", encoding: .utf8))
        }
        try repository.commitAll("demo")
        return repository
    }

    /// `type address port` of every finding in a JSON report, sorted: what two runs must agree on.
    private func findings(_ json: String) throws -> [String] {
        let document = try CLI.json(json)
        let list = try #require(document["findings"] as? [[String: Any]])
        return list.map { finding in
            let object = finding["object"] as? [String: Any]
            return [
                finding["type"] as? String ?? "",
                "\(finding["namespace"] as? String ?? "")/\(finding["service"] as? String ?? "")",
                object?["kind"] as? String ?? "",
                object?["name"] as? String ?? "", finding["address"] as? String ?? "",
                (finding["port"] as? Int).map(String.init) ?? "", String(finding["ignored"] as? Bool ?? false),
            ].joined(separator: " ")
        }.sorted()
    }

    @Test("the same drift as from the snapshot, reading only the namespaces git uses")
    func checkMatchesTheSnapshotRun() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let repository = try demoRepository()
        let config = Fixtures.path("demo/endpoint-drift.yaml")
        let fromAPI = try await CLI.run(
            [
                "check", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "--config", config, "-o",
                "json",
            ],
            home: home)
        #expect(fromAPI.status == 1, "\(fromAPI.stderr)")
        let fromFile = try await CLI.run(
            [
                "check", "--repo", repository.path, "--live-file", Fixtures.path("demo/live.json"), "--config", config,
                "-o", "json",
            ], home: home)
        #expect(fromFile.status == 1)
        let apiFindings = try findings(fromAPI.stdout)
        #expect(apiFindings == (try findings(fromFile.stdout)))
        #expect(apiFindings.contains("missing-backend shop/orders-db Endpoints orders-db 203.0.113.23 5432 false"))
        #expect(apiFindings.contains("stale-backend storage/ceph-rgw Endpoints ceph-rgw 192.0.2.12 8080 false"))
        #expect(apiFindings.contains { $0.hasPrefix("port-drift payments/mainframe") })
        #expect(apiFindings.contains { $0.hasPrefix("unmanaged-live-object shop/object-store") })
        // Mirrored slices and the selector service's controller slice are never findings.
        #expect(
            !apiFindings.contains {
                $0.contains("orders-db-zxhjp") || $0.contains("ceph-rgw-n2j6l") || $0.contains("shop/web")
            })
        let namespaces = Set(
            server.requests.compactMap { request -> String? in
                guard let range = request.path.range(of: "/namespaces/") else { return nil }
                return String(request.path[range.upperBound...].prefix { $0 != "/" })
            })
        #expect(namespaces == ["payments", "shop", "storage"])
    }

    @Test("lists are read in protobuf by default and give the same findings as JSON (--kube-api-content-type)")
    func protobufListsGiveTheSameFindings() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let repository = try demoRepository()
        let arguments = [
            "check", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "--config",
            Fixtures.path("demo/endpoint-drift.yaml"), "-o", "json",
        ]
        let lists = { (from: Int) in
            server.requests.dropFirst(from).filter { $0.path.hasSuffix("/endpoints") || $0.path.hasSuffix("/services") }
        }
        let protobuf = try await CLI.run(arguments, home: home)
        let afterDefault = server.requests.count
        #expect(!lists(0).isEmpty)
        #expect(lists(0).allSatisfy { $0.header("Accept") == "application/vnd.kubernetes.protobuf, application/json" })
        let json = try await CLI.run(arguments + ["--kube-api-content-type", "application/json"], home: home)
        #expect(json.status == 1 && protobuf.status == 1, "\(protobuf.stderr)")
        #expect(try findings(protobuf.stdout) == (try findings(json.stdout)))
        #expect(!lists(afterDefault).isEmpty)
        #expect(lists(afterDefault).allSatisfy { $0.header("Accept") == "application/json" })
        let wrong = try await CLI.run(arguments + ["--kube-api-content-type", "application/yaml"], home: home)
        #expect(wrong.status == 2 && wrong.stderr.contains("--kube-api-content-type"), "\(wrong.stderr)")
    }

    @Test("pull-request mode and ignore rules from the commit, against the API server")
    func pullRequestModeWithIgnoreRules() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let repository = try TempGitRepository()
        // Base: orders-db as the cluster has it.
        let service =
            "apiVersion: v1\nkind: Service\nmetadata: {name: orders-db, namespace: shop}\nspec:\n  ports: [{port: 5432}]\n"
        func endpoints(_ ready: [String], notReady: [String]) -> String {
            var text =
                "apiVersion: v1\nkind: Endpoints\nmetadata: {name: orders-db, namespace: shop, labels: {team: data}}\n"
            text += "subsets:\n  - addresses: [\(ready.map { "{ip: \($0)}" }.joined(separator: ", "))]\n"
            if !notReady.isEmpty {
                text += "    notReadyAddresses: [\(notReady.map { "{ip: \($0)}" }.joined(separator: ", "))]\n"
            }
            return text + "    ports: [{port: 5432}]\n"
        }
        try repository.write(
            "shop/orders-db.yaml",
            service + "---\n"
                + endpoints(["203.0.113.20", "203.0.113.21"], notReady: ["203.0.113.22", "203.0.113.99"]))
        let base = try repository.commitAll("base")
        // Head: drops the wrong 203.0.113.99 (fixes drift) but adds 203.0.113.23 (plans it), and
        // ignores readiness drift on orders-db.
        try repository.write(
            "shop/orders-db.yaml",
            service + "---\n"
                + endpoints(["203.0.113.20", "203.0.113.21", "203.0.113.22", "203.0.113.23"], notReady: []))
        try repository.write(
            ".endpoint-drift.yaml",
            "ignore:\n  findings:\n    - services: [shop/orders-db]\n      types: [readiness-drift]\n      reason: failover drill\n"
        )
        try repository.commitAll("head")

        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--base", base, "--kubeconfig", try kubeconfig(server), "-o", "json"],
            home: home)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try CLI.json(result.stdout)
        let findings = try #require(document["findings"] as? [[String: Any]])
        let missing = try #require(findings.first { $0["type"] as? String == "missing-backend" })
        #expect(missing["address"] as? String == "203.0.113.23")
        #expect(missing["change"] as? String == "planned")
        #expect(missing["failing"] as? Bool == false)
        let readiness = try #require(findings.first { $0["type"] as? String == "readiness-drift" })
        #expect(readiness["ignored"] as? Bool == true)
        let fixed = try #require(document["fixed"] as? [[String: Any]])
        #expect(fixed.contains { $0["address"] as? String == "203.0.113.99" })

        let text = try await CLI.run(
            ["check", "--repo", repository.path, "--base", base, "--kubeconfig", try kubeconfig(server)], home: home)
        #expect(text.status == 0)
        #expect(text.stdout.contains("fixes 1"), "\(text.stdout)")
        #expect(text.stdout.contains("→ 203.0.113.99 → 203.0.113.23 on 5432/TCP"), "\(text.stdout)")
        // Nobody applies the merge: the planned backend is drift.
        let manual = try await CLI.run(
            [
                "check", "--repo", repository.path, "--base", base, "--kubeconfig", try kubeconfig(server),
                "--applied-by", "manual",
            ], home: home)
        #expect(manual.status == 1, "\(manual.stdout)")
    }

    @Test("a 403 in one namespace: the others are still checked, its services are errors, exit 2")
    func forbiddenNamespaceIsReportedAndTheRestChecked() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        server.on("/api/v1/namespaces/shop/endpoints", respond: .recorded("error-403-reader-namespace"))
        let repository = try demoRepository()
        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "-o", "json"], home: home)
        #expect(result.status == 2)
        // The permission that is missing, on stderr, whatever the output format.
        #expect(result.stderr.contains("namespace shop not checked"), "\(result.stderr)")
        #expect(result.stderr.contains("may not list endpoints in namespace shop"))
        #expect(result.stderr.contains("verbs: [\"get\", \"list\"]") || result.stderr.contains("verbs:"))
        #expect(!result.stderr.contains(Self.token))
        let document = try CLI.json(result.stdout)
        let services = try #require(document["services"] as? [[String: Any]])
        let statuses = Dictionary(
            uniqueKeysWithValues: services.map {
                ("\($0["namespace"] as? String ?? "")/\($0["name"] as? String ?? "")", $0["status"] as? String ?? "")
            })
        #expect(statuses["shop/orders-db"] == "error")
        // Other namespaces were compared as usual.
        #expect(statuses["storage/ceph-rgw"] == "drifted")
        #expect(statuses["payments/mainframe"] == "drifted")
        // No finding claims that the unread namespace's backends are missing.
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(
            !findings.contains { $0["namespace"] as? String == "shop" && $0["type"] as? String == "missing-backend" })

        let fix = try await CLI.run(
            ["fix", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "--patch", "-"], home: home)
        #expect(fix.status == 2)
        #expect(!fix.stdout.contains("shop/orders-db.yaml"))
        #expect(fix.stdout.contains("payments/mainframe.yaml"))
    }

    @Test("a 403 everywhere is one clear error, exit 2, nothing printed on stdout")
    func forbiddenEverywhere() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        for namespace in ["payments", "shop", "storage"] {
            server.on("/api/v1/namespaces/\(namespace)/endpoints", respond: .recorded("error-403-reader-namespace"))
        }
        let repository = try demoRepository()
        let result = try await CLI.run(
            ["check", "--repo", repository.path, "--kubeconfig", try kubeconfig(server)], home: home)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("may not list endpoints"))
    }

    @Test("fix reads the cluster and produces the same patch as from the snapshot")
    func fixMatchesTheSnapshotRun() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let repository = try demoRepository()
        let fromAPI = try await CLI.run(
            ["fix", "--repo", repository.path, "--kubeconfig", try kubeconfig(server), "--patch", "-"], home: home)
        let fromFile = try await CLI.run(
            ["fix", "--repo", repository.path, "--live-file", Fixtures.path("demo/live.json"), "--patch", "-"],
            home: home)
        #expect(fromAPI.status == fromFile.status)
        #expect(!fromAPI.stdout.isEmpty)
        #expect(fromAPI.stdout == fromFile.stdout)
        #expect(fromAPI.stdout.contains("-      - ip: 203.0.113.23"))
        let applied = try ProcessRunner.run(
            "/usr/bin/env", ["git", "-C", repository.path, "apply", "--check", "-"], input: Data(fromAPI.stdout.utf8))
        #expect(applied.status == 0, "\(applied.stderr)")
    }
}

extension CheckAgainstAPIServerTests {
    @Test("fix leaves what the configuration ignores or excludes as git has it")
    func fixHonoursTheConfiguration() async throws {
        let repository = try demoRepository()
        let config = try home.write(
            "config.yaml",
            """
            services:
              exclude: [storage/ceph-rgw]
            ignore:
              findings:
                - services: [shop/orders-db]
                  types: [readiness-drift]
            """)
        let result = try await CLI.run(
            [
                "fix", "--repo", repository.path, "--live-file", Fixtures.path("demo/live.json"), "--config", config,
                "--patch", "-",
            ], home: home)
        // Not ignored: the retired replica goes, the admin port follows the cluster.
        #expect(result.stdout.contains("-      - ip: 203.0.113.23"), "\(result.stdout)")
        #expect(result.stdout.contains("+        port: 9443"))
        // Ignored: 203.0.113.22 stays ready; excluded: ceph-rgw is not edited.
        #expect(!result.stdout.contains("notReadyAddresses"))
        #expect(!result.stdout.contains("storage/ceph-rgw.yaml"))
    }

    @Test("discovery goes out while git is read, once; a run that fails on git lists nothing")
    func discoveryWhileGitIsRead() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let repository = try demoRepository()
        let config = Fixtures.path("demo/endpoint-drift.yaml")
        let kubeconfig = try kubeconfig(server)
        let checked = try await CLI.run(
            ["check", "--repo", repository.path, "--kubeconfig", kubeconfig, "--config", config, "-o", "json"],
            home: home)
        #expect(checked.status == 1, "\(checked.stderr)")
        let paths = server.requests.map(\.path)
        #expect(paths.filter { $0 == "/apis/discovery.k8s.io/v1" }.count == 1, "\(paths)")
        #expect(paths.contains { $0.hasSuffix("/endpointslices") })

        let before = server.requests.count
        let failed = try await CLI.run(
            ["check", "--repo", repository.path, "--ref", "no-such-ref", "--kubeconfig", kubeconfig, "-o", "json"],
            home: home)
        #expect(failed.status == 2, "\(failed.stderr)")
        #expect(failed.stderr.contains("no-such-ref"), "\(failed.stderr)")
        // The connection and discovery may have gone out; no list did.
        let after = server.requests.dropFirst(before).map(\.path)
        #expect(after.allSatisfy { $0 == "/apis/discovery.k8s.io/v1" }, "\(after)")
    }

    @Test(
        "with an exec credential plugin nothing is asked before git is read: it never runs for a run that fails on git")
    func execPluginWaitsForGit() async throws {
        let server = try await server()
        defer { Task { await server.stop() } }
        let repository = try demoRepository()
        let marker = home.file("plugin-ran")
        let plugin = try home.write(
            "plugin.sh",
            """
            #!/bin/sh
            touch '\(marker)'
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\(Self.token)"}}'

            """, executable: true)
        let kubeconfig = try home.write(
            "exec-kubeconfig",
            KubeconfigText.single(
                cluster: try KubeconfigText.cluster(server),
                user: [
                    "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(plugin)",
                    "  interactiveMode: Never",
                ]))
        let failed = try await CLI.run(
            ["check", "--repo", repository.path, "--ref", "no-such-ref", "--kubeconfig", kubeconfig, "-o", "json"],
            home: home)
        #expect(failed.status == 2, "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(server.requests.isEmpty)

        let checked = try await CLI.run(
            [
                "check", "--repo", repository.path, "--kubeconfig", kubeconfig, "--config",
                Fixtures.path("demo/endpoint-drift.yaml"), "-o", "json",
            ],
            home: home)
        #expect(checked.status == 1, "\(checked.stderr)")
        #expect(FileManager.default.fileExists(atPath: marker))
        #expect(server.requests.contains { $0.path.hasSuffix("/endpointslices") })
    }
}
