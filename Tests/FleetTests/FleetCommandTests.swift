import Foundation
import TestSupport
import Testing

/// `check --all-clusters` / `--cluster` with the built binary against several real HTTPS fake API
/// servers answering with the recorded cluster's responses.
@Suite(.serialized) struct FleetCommandTests {
    /// Starts `count` fake API servers accepting the harness token.
    func servers(_ count: Int) async throws -> [FakeKubernetesAPI] {
        var started: [FakeKubernetesAPI] = []
        for _ in 0..<count {
            started.append(try await FakeKubernetesAPI.start(authentication: .init(tokens: [FleetHarness.token])))
        }
        return started
    }

    func entries(_ names: [String], extra: String = "") -> [String] {
        names.map { "- name: \($0)\n  context: \($0)\n  paths: [apps]\(extra)" }
    }

    @Test func everyClusterInOneReportAndAnUnreachableOneDoesNotStopTheOthers() async throws {
        let harness = try FleetHarness()
        let apis = try await servers(2)
        let deadPort = try RefusingPort.port()
        try harness.commitMap(entries(["alpha", "beta", "gamma"]))
        let kubeconfig = try harness.kubeconfig([
            ("alpha", apis[0].serverURL), ("beta", apis[1].serverURL), ("gamma", "https://127.0.0.1:\(deadPort)"),
        ])
        let result = try await harness.run(
            ["check", "--all-clusters", "--kubeconfig", kubeconfig, "-o", "text", "-o", "json=fleet.json"])
        for api in apis { await api.stop() }

        #expect(result.status == 2, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  alpha  FAIL   5 of 6 services not in sync") })
        #expect(lines.contains { $0.hasPrefix("  beta   FAIL   5 of 6 services not in sync") })
        #expect(
            lines.contains { $0.hasPrefix("  gamma  ERROR  could not check: ") && $0.contains("connection refused") })
        #expect(result.stdout.contains("── cluster alpha: FAIL ──"))
        #expect(result.stdout.contains("apps/shop/orders-db.yaml:24: error: missing-backend: 203.0.113.23:5432/TCP"))
        #expect(lines.last == "ERROR 3 clusters (2 fail, 1 error) · 19 services · 20 findings; 14 fail the run")
        // Each reachable server was asked for the desired namespaces only.
        for api in apis {
            let paths = Set(api.requests.map(\.path))
            #expect(paths.contains("/api/v1/namespaces/shop/endpoints"))
            #expect(paths.contains("/apis/discovery.k8s.io/v1/namespaces/storage/endpointslices"))
            #expect(!paths.contains("/api/v1/endpoints"))
        }
        let json = try FleetHarness.json(try harness.repository.read("fleet.json"))
        #expect(json["kind"] as? String == "fleet")
        let clusters = try #require(json["clusters"] as? [[String: Any]])
        #expect(clusters.map { $0["outcome"] as? String } == ["fail", "fail", "error"])
        let gamma = try #require(clusters[2]["report"] as? [String: Any])
        let services = try #require(gamma["services"] as? [[String: Any]])
        #expect(!services.isEmpty && services.allSatisfy { $0["status"] as? String == "error" })
    }

    @Test func clustersAreCheckedConcurrentlyUpToParallel() async throws {
        let harness = try FleetHarness()
        let apis = try await servers(4)
        let names = ["c1", "c2", "c3", "c4"]
        try harness.commitMap(entries(names))
        let kubeconfig = try harness.kubeconfig(zip(names, apis.map(\.serverURL)).map { ($0, $1) })
        // The first request of every read is held until `parallel` of them have arrived (proof that
        // they are in flight together, however far apart a busy machine starts them), then answered
        // after `hold` more (so that a read beyond the limit, started as soon as others are, would
        // overlap them).
        let hold = 1.0
        let timeline = Timeline()
        var elapsed: [Int: Double] = [:]
        var overlap: [Int: Int] = [:]
        for parallel in [4, 2, 1] {
            let gate = FakeGate(opensAt: parallel)
            for (name, api) in zip(names, apis) {
                api.on(
                    "/apis/discovery.k8s.io/v1",
                    respond: .dynamic { _ in
                        timeline.record(name)
                        return .gated(gate, .delayed(seconds: hold, .cluster))
                    })
            }
            let before = timeline.all.count
            let start = Date()
            let result = try await harness.run(
                ["check", "--all-clusters", "--kubeconfig", kubeconfig, "--parallel", String(parallel), "-o", "json"])
            elapsed[parallel] = Date().timeIntervalSince(start)
            #expect(result.status == 1, "\(result.stderr)")
            overlap[parallel] = Self.overlap(
                Array(timeline.all.dropFirst(before)), openedAt: gate.openedAt ?? .distantFuture, hold: hold)
        }
        for api in apis { await api.stop() }
        #expect(overlap[4] == 4, "4 clusters at once with --parallel 4: \(String(describing: overlap))")
        #expect(overlap[2] == 2, "at most 2 at once with --parallel 2: \(String(describing: overlap))")
        #expect(overlap[1] == 1, "one at a time with --parallel 1: \(String(describing: overlap))")
        print(
            "fleet concurrency: 4 clusters, answers held for \(hold) s: "
                + [4, 2, 1].map {
                    "--parallel \($0): \(String(format: "%.2f", elapsed[$0] ?? 0)) s, \(overlap[$0] ?? 0) at once"
                }.joined(separator: "; "))
    }

    /// The most reads in flight at once: each from its arrival until its answer, `hold` after the
    /// later of its arrival and the gate's opening. Windows are shortened a little: a read
    /// starting as another ends is not concurrent with it.
    static func overlap(_ events: [(String, Date)], openedAt: Date, hold: Double) -> Int {
        let spans = events.map { event in
            (start: event.1, end: max(event.1, openedAt).addingTimeInterval(hold * 0.9))
        }
        return spans.map { span in
            spans.filter { $0.start <= span.start && span.start < $0.end }.count
        }.max() ?? 0
    }

    @Test func namedClustersOnlyInTheOrderGiven() async throws {
        let harness = try FleetHarness()
        let apis = try await servers(3)
        try harness.commitMap(entries(["a", "b", "c"]))
        let kubeconfig = try harness.kubeconfig(zip(["a", "b", "c"], apis.map(\.serverURL)).map { ($0, $1) })
        let result = try await harness.run(
            ["check", "--cluster", "c", "--cluster", "a", "--kubeconfig", kubeconfig, "-o", "json"])
        for api in apis { await api.stop() }
        #expect(result.status == 1, "\(result.stderr)")
        let clusters = try #require(try FleetHarness.json(result.stdout)["clusters"] as? [[String: Any]])
        #expect(clusters.map { $0["name"] as? String } == ["c", "a"])
        #expect(apis[1].requests.isEmpty)
        #expect(!apis[0].requests.isEmpty && !apis[2].requests.isEmpty)
    }

    @Test func pathsAndNamespacesComeFromTheMap() async throws {
        let harness = try FleetHarness()
        let apis = try await servers(1)
        try harness.commitMap(["- name: shop-only\n  context: shop-only\n  paths: [apps/shop]\n  namespaces: [shop]"])
        let kubeconfig = try harness.kubeconfig([("shop-only", apis[0].serverURL)])
        let result = try await harness.run(["check", "--all-clusters", "--kubeconfig", kubeconfig, "-o", "json"])
        await apis[0].stop()
        let cluster = try #require((try FleetHarness.json(result.stdout)["clusters"] as? [[String: Any]])?.first)
        let report = try #require(cluster["report"] as? [String: Any])
        let services = (report["services"] as? [[String: Any]] ?? []).map {
            "\($0["namespace"] ?? "")/\($0["name"] ?? "")"
        }
        #expect(Set(services) == ["shop/legacy-ftp", "shop/object-store", "shop/orders-db"])
        let lists = apis[0].requests.map(\.path).filter { $0.contains("/namespaces/") }
        #expect(lists.count == 3)
        #expect(lists.allSatisfy { $0.contains("/namespaces/shop/") })
    }

    @Test func oneClusterWithTheCommandLineConnection() async throws {
        let harness = try FleetHarness()
        try harness.commitMap(entries(["prod"]))
        let result = try await harness.run(
            ["check", "--cluster", "prod", "--live-file", Fixtures.path("demo/live.json"), "-o", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let cluster = try #require((try FleetHarness.json(result.stdout)["clusters"] as? [[String: Any]])?.first)
        #expect(cluster["name"] as? String == "prod")
        let live = (cluster["report"] as? [String: Any])?["live"] as? [String: Any]
        #expect((live?["source"] as? String)?.hasPrefix("file ") == true)
    }

    /// `make demo-fleet`: the demo cluster map over this repository's own demo manifests.
    @Test func theDemoFleet() async throws {
        let root = Validators.packageRoot
        let result = try ProcessRunner.run(
            try TestBinary.endpointDrift,
            ["check", "--all-clusters", "--config", "fixtures/demo/fleet.yaml", "--repo", root, "-o", "text"],
            environment: ["NO_COLOR": "1", "KUBECONFIG": "", "CI": ""], currentDirectory: root)
        #expect(result.status == 2, "lab cannot be reached: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  prod-eu  FAIL   5 of 6 services not in sync") })
        #expect(lines.contains { $0.hasPrefix("  staging  PASS ") })
        #expect(lines.contains { $0.hasPrefix("  lab      ERROR  could not check: ") })
        #expect(lines.last?.hasPrefix("ERROR 4 clusters (1 pass, 2 fail, 1 error)") == true)
    }

    @Test func mistakesExitTwoWithAReason() async throws {
        let harness = try FleetHarness()
        try harness.commitMap(entries(["a", "b"]))
        let unknown = try await harness.run(["check", "--cluster", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("select cluster nope: not in the cluster map; known: a, b"))

        let both = try await harness.run(["check", "--all-clusters", "--cluster", "a"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--all-clusters and --cluster exclude each other"))

        let context = try await harness.run(["check", "--all-clusters", "--context", "x"])
        #expect(context.status == 2)
        #expect(context.stderr.contains("--context name one cluster's connection"))

        let webhook = try await harness.run(["check", "--all-clusters", "--webhook", "http://127.0.0.1:9/x"])
        #expect(webhook.status == 2)
        #expect(webhook.stderr.contains("pass --state FILE"))

        let parallel = try await harness.run(["check", "--all-clusters", "--parallel", "0"])
        #expect(parallel.status == 2)

        let noMap = try FleetHarness()
        try noMap.repository.commitAll("no map")
        let empty = try await noMap.run(["check", "--all-clusters"])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("it has no clusters: list them under `clusters:`"))
    }

    @Test func progressOnlyWhenAskedOutsideATerminal() async throws {
        let harness = try FleetHarness()
        let apis = try await servers(2)
        try harness.commitMap(entries(["a", "b"]))
        let kubeconfig = try harness.kubeconfig(zip(["a", "b"], apis.map(\.serverURL)).map { ($0, $1) })
        let quiet = try await harness.run(["check", "--all-clusters", "--kubeconfig", kubeconfig, "-o", "json=r.json"])
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        let shown = try await harness.run(
            ["check", "--all-clusters", "--kubeconfig", kubeconfig, "-o", "json=r.json", "--progress"])
        for api in apis { await api.stop() }
        let lines = shown.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("endpoint-drift: a: reading the live state"))
        #expect(lines.contains { $0.hasPrefix("endpoint-drift: a: 9/9 lists, ") && $0.hasSuffix(" objects") })
        #expect(lines.contains { $0.hasPrefix("endpoint-drift: b: fail in ") && $0.contains("of 2 done)") })
        #expect(!shown.stderr.contains("\u{1B}["), "no terminal control outside a terminal")
    }
}

/// Progress on a real terminal: the binary run under `script` (util-linux), which gives it a
/// pseudo-terminal for stdout and stderr.
@Suite(.serialized) struct TerminalProgressTests {
    func underTerminal(_ harness: FleetHarness, _ arguments: [String], ci: String = "") async throws -> String {
        let binary = try TestBinary.endpointDrift
        let command = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
        let result = try await harness.run(
            ["-qec", command, "/dev/null"], executable: "/usr/bin/script", environment: ["CI": ci])
        return result.stdout
    }

    @Test func aTerminalSeesOneLineRedrawnThenCleared() async throws {
        let harness = try FleetHarness()
        let apis = [
            try await FakeKubernetesAPI.start(authentication: .init(tokens: [FleetHarness.token])),
            try await FakeKubernetesAPI.start(authentication: .init(tokens: [FleetHarness.token])),
        ]
        // The line is redrawn at most every 100 ms, and a read of these small clusters can end within
        // 100 ms of its start: held at discovery for 300 ms, list progress comes late enough to be drawn.
        for api in apis { api.on("/apis/discovery.k8s.io/v1", respond: .delayed(seconds: 0.3, .cluster)) }
        try harness.commitMap(["- name: a\n  context: a\n  paths: [apps]", "- name: b\n  context: b\n  paths: [apps]"])
        let kubeconfig = try harness.kubeconfig([("a", apis[0].serverURL), ("b", apis[1].serverURL)])
        let arguments = ["check", "--all-clusters", "--kubeconfig", kubeconfig, "-o", "json=r.json"]
        let shown = try await underTerminal(harness, arguments)
        let quietInCI = try await underTerminal(harness, arguments, ci: "true")
        for api in apis { await api.stop() }

        let clear = "\r\u{1B}[K"
        #expect(shown.hasPrefix(clear + "endpoint-drift: 0/2 clusters done"), "\(shown.debugDescription)")
        #expect(shown.contains(" lists, "))
        #expect(shown.contains("2/2 clusters done"))
        #expect(shown.hasSuffix(clear), "the line is cleared before anything else is written")
        #expect(!shown.contains("\n"), "redrawn in place, never a new line")
        #expect(quietInCI.isEmpty, "\(quietInCI.debugDescription)")
    }
}
