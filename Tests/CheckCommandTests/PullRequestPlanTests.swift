import Foundation
import TestSupport
import Testing

/// `check --base` end to end on a real repository with a base commit (main) and a head commit (a
/// branch): what the merge plans, the drift already there, and what the pull request fixes, with the
/// Markdown comment of each case as a golden file.
@Suite struct PullRequestPlanTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        .path

    let ordersDB = DriftFixtures.service("orders-db")
    let ledger = DriftFixtures.service("ledger", ports: "- port: 8080")

    func ordersEndpoints(_ addresses: String) -> String {
        DriftFixtures.endpoints("orders-db", subsets: "- addresses: [\(addresses)]\n  ports: [{port: 5432}]")
    }

    func ledgerEndpoints(_ addresses: String) -> String {
        DriftFixtures.endpoints("ledger", subsets: "- addresses: [\(addresses)]\n  ports: [{port: 8080}]")
    }

    /// A repository whose `main` holds `base` and whose branch `feature` holds `head`, checked out.
    struct PullRequest {
        let repository: TempGitRepository
        let runner: CommandRunner
        let base: String
        let head: String
        let liveFile: String

        init(base: [String: String], head: [String: String], live: String) throws {
            repository = try TempGitRepository()
            runner = try CommandRunner()
            for (path, text) in base { try repository.write(path, text) }
            self.base = try repository.commitAll("base")
            try repository.git(["checkout", "-q", "-b", "feature"])
            for (path, text) in head { try repository.write(path, text) }
            for path in base.keys where head[path] == nil { try repository.git(["rm", "-q", path]) }
            self.head = try repository.commitAll("head")
            liveFile = try runner.write("live.yaml", live)
        }

        func check(_ extra: [String] = []) throws -> CommandRunner.Output {
            try runner.run(["check", "--repo", repository.path, "--base", "main", "--live-file", liveFile] + extra)
        }

        /// Paths, commit ids and the live file's time replaced, so that the comment can be compared.
        func normalized(_ text: String) -> String {
            var out = text.replacingOccurrences(of: liveFile, with: "LIVE")
            out = out.replacingOccurrences(of: repository.path, with: "REPO")
            for (commit, name) in [(base, "<base>"), (head, "<head>")] {
                out = out.replacingOccurrences(of: commit, with: name)
                out = out.replacingOccurrences(of: String(commit.prefix(7)), with: name)
            }
            return out.replacingOccurrences(
                of: #"observed \d{4}-\d\d-\d\dT[0-9:.]+Z"#, with: "observed TIME", options: .regularExpression)
        }

        func expectComment(_ golden: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let markdown = try check(["-o", "markdown"])
            if let mismatch = GoldenFile.mismatch(
                normalized(markdown.stdout), path: "\(PullRequestPlanTests.folder)/\(golden)")
            {
                Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation)
            }
        }

        func json(_ extra: [String] = []) throws -> [String: Any] {
            let output = try check(["-o", "json"] + extra)
            try Validators.validateJSON(
                output.stdout, schema: Validators.packageRoot + "/docs/schemas/check-report.schema.json")
            return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        }

        func remove() { runner.remove() }
    }

    @Test func addingAServiceIsAPlanAndPasses() throws {
        let inSync = DriftFixtures.documents(ordersDB, ordersEndpoints("{ip: 10.0.0.1}"))
        let pullRequest = try PullRequest(
            base: ["apps/db.yaml": inSync],
            head: [
                "apps/db.yaml": inSync,
                "apps/ledger.yaml": DriftFixtures.documents(ledger, ledgerEndpoints("{ip: 10.0.1.1}, {ip: 10.0.1.2}")),
            ],
            live: inSync)
        defer { pullRequest.remove() }

        let output = try pullRequest.check()
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(
            output.stdout.contains(
                "This pull request changes 1 service, fixes no finding and introduces no lint finding."))
        #expect(output.stdout.contains("shop/ledger  new Service  +2"))
        #expect(output.stdout.contains("once applied: 2 backends: 10.0.1.1, 10.0.1.2 on 8080/TCP (live now: 0)"))
        #expect(!output.stdout.contains("Drift already there"))
        #expect(!output.stdout.contains("missing-live-object"))
        try pullRequest.expectComment("pr-adds-service.md")

        let json = try pullRequest.json()
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { $0["change"] as? String == "planned" && $0["failing"] as? Bool == false })
        let plan = try #require(json["plan"] as? [String: Any])
        #expect(plan["appliedBy"] as? String == "controller")
        let services = try #require(plan["services"] as? [[String: Any]])
        #expect(services.map { $0["name"] as? String } == ["ledger"])
        #expect(services.first?["kind"] as? String == "added")
        #expect((services.first?["onceApplied"] as? [Any])?.count == 2)
        #expect(json["schemaVersion"] as? Int == 2)

        // Nobody applies the merge: the planned Service not yet live is drift.
        let manual = try pullRequest.check(["--applied-by", "manual"])
        #expect(manual.status == 1)
        #expect(manual.stdout.contains("missing-live-object: Service shop/ledger is in git but not in the cluster"))
        #expect(try pullRequest.check(["--fail-on", "planned"]).status == 1)
        #expect(try pullRequest.check(["--applied-by", "someone"]).status == 2)
    }

    @Test func driftAlreadyThereOnATouchedServiceFails() throws {
        // Live: .1 .2. Base and head leave .3 missing and .2 stale; the head adds .4 (the plan).
        let pullRequest = try PullRequest(
            base: [
                "apps/db.yaml": DriftFixtures.documents(ordersDB, ordersEndpoints("{ip: 10.0.0.1}, {ip: 10.0.0.3}")),
                "apps/ledger.yaml": DriftFixtures.documents(ledger, ledgerEndpoints("{ip: 10.0.1.1}")),
            ],
            head: [
                "apps/db.yaml": DriftFixtures.documents(
                    ordersDB, ordersEndpoints("{ip: 10.0.0.1}, {ip: 10.0.0.3}, {ip: 10.0.0.4}")),
                "apps/ledger.yaml": DriftFixtures.documents(ledger, ledgerEndpoints("{ip: 10.0.1.1}")),
            ],
            live: DriftFixtures.documents(
                ordersDB, ordersEndpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}"), ledger,
                ledgerEndpoints("{ip: 10.0.1.1}, {ip: 10.0.1.9}")))
        defer { pullRequest.remove() }

        let output = try pullRequest.check()
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let text = output.stdout
        let drift = try #require(text.range(of: "Drift already there"))
        let after = String(text[drift.upperBound...])
        #expect(after.contains("shop/orders-db  drifted"))
        #expect(after.contains("(touched by this pull request)"))
        // Git's 10.0.0.3 where the cluster serves 10.0.0.2: one line.
        #expect(after.contains("replaced: 10.0.0.3 → 10.0.0.2 on 5432/TCP"), "\(after)")
        // The ledger's stale backend is there too, but the pull request does not touch the ledger.
        #expect(after.contains("shop/ledger  drifted"))
        #expect(after.contains("(not touched by this pull request)"))
        #expect(text.contains("+ 10.0.0.4:5432/TCP"))
        try pullRequest.expectComment("pr-drift-already-there.md")

        let json = try pullRequest.json()
        let findings = try #require(json["findings"] as? [[String: Any]])
        let failing = findings.filter { $0["failing"] as? Bool == true }.map {
            "\($0["service"] as? String ?? "") \($0["type"] as? String ?? "") \($0["change"] as? String ?? "")"
        }
        #expect(
            failing.sorted() == [
                "orders-db missing-backend pre-existing", "orders-db stale-backend pre-existing",
            ])
        // Only pre-existing drift anywhere fails with --fail-on pre-existing; planned alone does not.
        let everywhere = try pullRequest.json(["--fail-on", "pre-existing"])
        #expect((everywhere["summary"] as? [String: Any])?["failing"] as? Int == 3)
        #expect(try pullRequest.check(["--fail-on", "planned"]).status == 1)
        #expect(try pullRequest.check(["--fail-on", "introduced"]).status == 0)
        #expect(try pullRequest.check(["--fail-on", "introduced,pre-existing,stale-backend"]).status == 1)
        #expect(try pullRequest.check(["--fail-on", "pre-existing,readiness-drift"]).status == 0)
    }

    @Test func fixingDriftPasses() throws {
        let pullRequest = try PullRequest(
            base: [
                "apps/db.yaml": DriftFixtures.documents(ordersDB, ordersEndpoints("{ip: 10.0.0.1}, {ip: 10.0.0.3}"))
            ],
            head: [
                "apps/db.yaml": DriftFixtures.documents(ordersDB, ordersEndpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}"))
            ],
            live: DriftFixtures.documents(ordersDB, ordersEndpoints("{ip: 10.0.0.1}, {ip: 10.0.0.2}")))
        defer { pullRequest.remove() }

        let output = try pullRequest.check()
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("fixes 2 findings"))
        #expect(output.stdout.contains("Fixed by this pull request (2, at the base commit)"))
        // One address for another on the same port is one line of the plan.
        #expect(output.stdout.contains("→ 10.0.0.3 → 10.0.0.2 on 5432/TCP"))
        try pullRequest.expectComment("pr-fixes-drift.md")
        let json = try pullRequest.json()
        #expect((json["fixed"] as? [[String: Any]])?.count == 2)
        #expect((json["findings"] as? [[String: Any]])?.isEmpty == true)
    }

    @Test func introducingALintErrorFails() throws {
        let inSync = DriftFixtures.documents(ordersDB, ordersEndpoints("{ip: 10.0.0.1}"))
        let broken = DriftFixtures.documents(ordersDB, ordersEndpoints("{ip: 10.0.0.1}, {ip: 127.0.0.1}"))
        let pullRequest = try PullRequest(base: ["apps/db.yaml": inSync], head: ["apps/db.yaml": broken], live: inSync)
        defer { pullRequest.remove() }

        let output = try pullRequest.check()
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let introduced = try #require(output.stdout.range(of: "Introduced by this pull request (1 finding)"))
        #expect(
            output.stdout[introduced.upperBound...].contains(
                "apps/db.yaml:\(DriftFixtures.line(of: "127.0.0.1", in: broken)): error: reserved-address"))
        try pullRequest.expectComment("pr-introduces-lint-error.md")
        #expect(try pullRequest.check(["--fail-on", "pre-existing"]).status == 0)

        let github = try pullRequest.check(["-o", "github"])
        #expect(github.stdout.contains("::error file=apps/db.yaml,"))
        #expect(github.stdout.contains("[introduced by this pull request] 127.0.0.1 is loopback"))
        #expect(github.stdout.contains("::notice file=apps/db.yaml,line=1,title=plan%3A shop/orders-db::changed  +1"))
        let sarif = try pullRequest.check(["-o", "sarif"])
        try Validators.validateJSON(sarif.stdout, schema: Validators.schemaPath("sarif-schema-2.1.0.json"))
        #expect(sarif.stdout.contains("\"pullRequest\""))
    }
}

/// `check -o yaml` is the JSON report in YAML, as `kubectl -o yaml` is: a YAML parser (PyYAML, in
/// the test venv) reads the same document from both.
@Suite struct YAMLOutputTests {
    @Test func yamlIsTheJSONReport() throws {
        let repository = try TempGitRepository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        let service = DriftFixtures.service("orders-db")
        let endpoints = DriftFixtures.endpoints(
            "orders-db", subsets: "- addresses: [{ip: 10.0.0.1}, {ip: '2001:db8::1'}]\n  ports: [{port: 5432}]")
        try repository.write("apps/db.yaml", DriftFixtures.documents(service, endpoints))
        try repository.commitAll()
        let live = try runner.write("live.yaml", DriftFixtures.documents(service))
        let output = try runner.run([
            "check", "--repo", repository.path, "--live-file", live, "-o", "yaml", "-o", "json=report.json",
        ])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(output.stdout.contains("schemaVersion: 2"))
        let yamlFile = try runner.write("report.yaml", output.stdout)
        try PythonTools.run(
            "python",
            [
                "-c",
                "import json, sys, yaml; a = yaml.safe_load(open(sys.argv[1])); b = json.load(open(sys.argv[2])); "
                    + "sys.exit(0 if a == b else 'YAML and JSON differ')",
                yamlFile, "\(runner.scratch)/report.json",
            ])
    }
}
