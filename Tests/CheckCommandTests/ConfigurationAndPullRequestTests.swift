import Foundation
import TestSupport
import Testing

/// `.endpoint-drift.yaml` read from the checked commit, `--config`, `--base` and `lint`, end to end.
@Suite struct ConfigurationAndPullRequestTests {
    let service = DriftFixtures.service("orders-db")

    func endpoints(_ addresses: String) -> String {
        DriftFixtures.endpoints("orders-db", subsets: "- addresses: [\(addresses)]\n  ports: [{port: 5432}]")
    }

    var live: String { DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.9.9}")) }

    @Test func configurationComesFromTheCheckedCommitNotTheWorkingTree() throws {
        let repository = try TempGitRepository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        try repository.write("apps/db.yaml", DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        try repository.write(".endpoint-drift.yaml", "ignore:\n  addresses: [10.0.9.0/24]\n")
        try repository.commitAll("with ignore rule")
        // An uncommitted edit is not seen.
        try repository.write(".endpoint-drift.yaml", "ignore: {}\n")
        let liveFile = try runner.write("live.yaml", live)

        let output = try runner.run(["check", "--repo", repository.path, "--live-file", liveFile, "-o", "json"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        #expect(findings.first?["type"] as? String == "stale-backend")
        #expect(findings.first?["ignored"] as? Bool == true)
        #expect((findings.first?["ignoredBy"] as? String)?.contains("10.0.9.0/24") == true)
        #expect((json["summary"] as? [String: Any])?["ignored"] as? Int == 1)

        // --config replaces it.
        let other = try runner.write("strict.yaml", "namespaces: {include: [shop]}\n")
        let overridden = try runner.run([
            "check", "--repo", repository.path, "--live-file", liveFile, "--config", other,
        ])
        #expect(overridden.status == 1)
        #expect(overridden.stdout.contains("stale-backend: 10.0.9.9:5432/TCP"))
    }

    @Test func brokenConfigurationExitsTwoNamingTheLine() throws {
        let repository = try TempGitRepository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        try repository.write("apps/db.yaml", DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        try repository.write(".endpoint-drift.yaml", "ignore:\n  findings:\n    - types: [stale-backends]\n")
        try repository.commitAll()
        let output = try runner.run([
            "check", "--repo", repository.path, "--live-file", try runner.write("l.yaml", live),
        ])
        #expect(output.status == 2)
        #expect(output.stderr.contains(".endpoint-drift.yaml:3"))
        #expect(output.stderr.contains("unknown finding type 'stale-backends'"))
    }

    /// The snapshot file is read while git is scanned; what fails first in git is still what is
    /// reported, as when the file was read after it.
    @Test func gitProblemsComeBeforeABrokenLiveFile() throws {
        let repository = try TempGitRepository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        try repository.write("apps/db.yaml", DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        try repository.write(".endpoint-drift.yaml", "ignore:\n  findings:\n    - types: [stale-backends]\n")
        try repository.commitAll()
        let broken = try runner.write("broken.json", "{\"kind\": \"List\", \"items\": [")
        let configuration = try runner.run(["check", "--repo", repository.path, "--live-file", broken])
        #expect(configuration.status == 2)
        #expect(configuration.stderr.contains("unknown finding type 'stale-backends'"))
        #expect(!configuration.stderr.contains("broken.json"))
        let revision = try runner.run(["check", "--repo", repository.path, "--ref", "nope", "--live-file", broken])
        #expect(revision.status == 2)
        #expect(revision.stderr.contains("nope"))
        #expect(!revision.stderr.contains("broken.json"))
        let emptyConfiguration = try runner.write("config.yaml", "{}\n")
        let live = try runner.run([
            "check", "--repo", repository.path, "--config", emptyConfiguration, "--live-file", broken,
        ])
        #expect(live.status == 2)
        #expect(live.stderr.contains("broken.json"))
    }

    @Test func annotationIgnoresAnObject() throws {
        let repository = try TempGitRepository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        let annotated = DriftFixtures.endpoints(
            "orders-db", annotations: "endpoint-drift.io/ignore: stale-backend",
            subsets: "- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]")
        try repository.write("apps/db.yaml", DriftFixtures.documents(service, annotated))
        try repository.commitAll()
        let output = try runner.run([
            "check", "--repo", repository.path, "--live-file", try runner.write("l.yaml", live),
        ])
        #expect(output.status == 0)
        #expect(output.stdout.contains("ignored: stale-backend"))
        #expect(output.stdout.contains("1 ignored"))
    }

    @Test func pullRequestModeComparesWithTheBase() throws {
        let repository = try TempGitRepository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        // Live: .1 .2. Base: .1 .3 (missing .3, stale .2). Head: .1 .2 .4 (fixes both, plans .4).
        try repository.write(
            "apps/db.yaml", DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.3}")))
        let base = try repository.commitAll("base")
        try repository.git(["checkout", "-q", "-b", "feature"])
        try repository.write(
            "apps/db.yaml",
            DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: 10.0.0.4}")))
        try repository.commitAll("head")
        let liveFile = try runner.write(
            "l.yaml", DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}")))

        let output = try runner.run(["check", "--repo", repository.path, "--live-file", liveFile, "--base", "main"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Pull request: base main (\(base.prefix(7))) → head HEAD"))
        #expect(
            output.stdout.contains(
                "This pull request changes 1 service, fixes 2 findings and introduces no lint finding."))
        #expect(output.stdout.contains("+ 10.0.0.2:5432/TCP"))
        #expect(output.stdout.contains("+ 10.0.0.4:5432/TCP"))
        #expect(output.stdout.contains("- 10.0.0.3:5432/TCP"))

        let markdown = try runner.run([
            "check", "--repo", repository.path, "--live-file", liveFile, "--base", base, "-o", "markdown",
        ])
        #expect(markdown.stdout.contains("fixes 2 findings and introduces no lint finding.**"))
        #expect(markdown.stdout.contains("Fixed by this pull request (2)"))

        let json = try runner.run([
            "check", "--repo", repository.path, "--live-file", liveFile, "--base", base, "-o", "json",
        ])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((root["findings"] as? [[String: Any]])?.map { $0["change"] as? String } == ["planned"])
        #expect((root["fixed"] as? [[String: Any]])?.count == 2)
        #expect(((root["base"] as? [String: Any])?["commit"] as? String) == base)

        let badBase = try runner.run(["check", "--repo", repository.path, "--live-file", liveFile, "--base", "nope"])
        #expect(badBase.status == 2)
    }

    @Test func lintNeedsNoClusterAndFailsOnLintErrors() throws {
        let repository = try TempGitRepository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        try repository.write("apps/db.yaml", DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        try repository.commitAll()
        let clean = try runner.run(["lint", "--repo", repository.path])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("PASS 1 service · 0 findings"))

        let text = DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}, {ip: 127.0.0.1}"))
        try repository.write("apps/db.yaml", text)
        try repository.write("apps/broken.yaml", "kind: Endpoints\napiVersion: v1\nmetadata: {name: x\n")
        try repository.commitAll()
        let dirty = try runner.run(["lint", "--repo", repository.path])
        #expect(dirty.status == 1)
        #expect(
            dirty.stdout.contains(
                "apps/db.yaml:\(DriftFixtures.line(of: "127.0.0.1", in: text)): error: reserved-address: 127.0.0.1 is loopback"
            ))
        #expect(dirty.stdout.contains("apps/broken.yaml:"))
        #expect(dirty.stdout.contains("invalid-manifest"))
        #expect(try runner.run(["lint", "--repo", repository.path, "--strict"]).status == 2)
        #expect(try runner.run(["lint", "--repo", repository.path, "--exit-zero"]).status == 0)
        let sarif = try runner.run(["lint", "--repo", repository.path, "-o", "sarif"])
        try Validators.validateJSON(sarif.stdout, schema: Validators.schemaPath("sarif-schema-2.1.0.json"))
    }

    /// The bundled demo: the recorded cluster's real API responses against manifests with drift.
    @Test func demoReportsRealDrift() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let repository = try TempGitRepository()
        let demo = Validators.packageRoot + "/fixtures/demo"
        for name in try FileManager.default.subpathsOfDirectory(atPath: "\(demo)/repo") where name.hasSuffix(".yaml") {
            try repository.write(name, try String(contentsOfFile: "\(demo)/repo/\(name)", encoding: .utf8))
        }
        try repository.commitAll("demo")
        let output = try runner.run([
            "check", "--repo", repository.path, "--live-file", "\(demo)/live.json", "--config",
            "\(demo)/endpoint-drift.yaml",
        ])
        #expect(output.status == 1, "\(output.stderr)")
        for expected in [
            "payments/mainframe.yaml:", "port-drift: port 9444/TCP (admin) in git is 9443/TCP (admin) in the cluster",
            "shop/orders-db.yaml:", "missing-backend: 203.0.113.23:5432/TCP",
            "readiness-drift: 203.0.113.22:5432/TCP is ready in git but not ready in the cluster",
            "storage/ceph-rgw.yaml:", "stale-backend: 192.0.2.12 on 8080/TCP (http), 8081/TCP (admin)",
            "missing-live-object: Service shop/legacy-ftp",
            "unmanaged-live-object: EndpointSlice shop/object-store-rgw-2",
            "FAIL 6 services (1 in sync, 3 drifted, 1 missing live, 1 unmanaged)",
        ] {
            #expect(output.stdout.contains(expected), "missing: \(expected)")
        }
        // Mirrored slices are part of their Endpoints' backend set, never unmanaged.
        #expect(!output.stdout.contains("orders-db-zxhjp"))
        #expect(!output.stdout.contains("ceph-rgw-n2j6l"))
        #expect(!output.stdout.contains("shop/web"))
    }
}
