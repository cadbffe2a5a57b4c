import Foundation
import TestSupport
import Testing

/// The built binary against a real git repository (made with the git CLI) and a live snapshot
/// file: stdout, files written and exit codes, as CI sees them.
@Suite struct CheckCommandTests {
    let service = DriftFixtures.service("orders-db")

    func endpoints(_ addresses: String, port: Int = 5432) -> String {
        DriftFixtures.endpoints("orders-db", subsets: "- addresses: [\(addresses)]\n  ports: [{port: \(port)}]")
    }

    /// A repository whose HEAD defines `shop/orders-db` with `addresses`, and a runner.
    func setUp(_ addresses: String) throws -> (TempGitRepository, CommandRunner) {
        let repository = try TempGitRepository()
        try repository.write("apps/db.yaml", DriftFixtures.documents(service, endpoints(addresses)))
        try repository.commitAll("orders-db")
        return (repository, try CommandRunner())
    }

    func check(
        _ repository: TempGitRepository, _ runner: CommandRunner, live: String, _ extra: [String] = [],
        environment: [String: String] = [:]
    ) throws -> CommandRunner.Output {
        let file = try runner.write("live-\(UUID().uuidString).yaml", live)
        return try runner.run(
            ["check", "--repo", repository.path, "--live-file", file] + extra, environment: environment)
    }

    @Test func inSyncExitsZero() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}, {ip: 10.0.0.2}")
        defer { runner.remove() }
        let output = try check(
            repository, runner, live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.2}, {ip: 10.0.0.1}")))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("PASS 1 service (1 in sync) · 0 findings; none fails the run"))
        #expect(output.stderr.isEmpty)
    }

    @Test func driftExitsOneWithFileAndLine() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}, {ip: 10.0.0.2}")
        defer { runner.remove() }
        let output = try check(repository, runner, live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        #expect(output.status == 1)
        let text = try repository.read("apps/db.yaml")
        let line = DriftFixtures.line(of: "10.0.0.2", in: text)
        #expect(output.stdout.contains("shop/orders-db  drifted  2 in git, 1 live"))
        #expect(
            output.stdout.contains(
                "apps/db.yaml:\(line): error: missing-backend: 10.0.0.2:5432/TCP is in git but not served by the cluster"
            ))
        #expect(output.stdout.contains("FAIL 1 service (1 drifted)"))
    }

    @Test func exitZeroAndFailOn() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}, {ip: 10.0.0.2}")
        defer { runner.remove() }
        let live = DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))
        #expect(try check(repository, runner, live: live, ["--exit-zero"]).status == 0)
        #expect(try check(repository, runner, live: live, ["--fail-on", "stale-backend"]).status == 0)
        #expect(try check(repository, runner, live: live, ["--fail-on", "lint,stale-backend"]).status == 0)
        #expect(try check(repository, runner, live: live, ["--fail-on", "missing-backend"]).status == 1)
        #expect(try check(repository, runner, live: live, ["--fail-on", "none"]).status == 0)
    }

    @Test func warningsDoNotFailUnlessAsked() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}")
        defer { runner.remove() }
        let unmanaged = DriftFixtures.documents(
            service, endpoints("{ip: 10.0.0.1}"), DriftFixtures.service("legacy"),
            DriftFixtures.endpoints("legacy", subsets: "- addresses: [{ip: 10.9.0.1}]\n  ports: [{port: 21}]"))
        let output = try check(repository, runner, live: unmanaged)
        #expect(output.status == 0)
        #expect(output.stdout.contains("warning: unmanaged-live-object: Service shop/legacy"))
        #expect(try check(repository, runner, live: unmanaged, ["--fail-on", "all"]).status == 1)
    }

    @Test func couldNotCheckExitsTwo() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}")
        defer { runner.remove() }
        let live = DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))

        let missingFile = try runner.run(["check", "--repo", repository.path, "--live-file", "/nonexistent/live.json"])
        #expect(missingFile.status == 2)
        #expect(missingFile.stderr.contains("/nonexistent/live.json"))

        let garbage = try check(repository, runner, live: "{\"items\": [")
        #expect(garbage.status == 2)

        let badRevision = try check(repository, runner, live: live, ["--ref", "no-such-branch"])
        #expect(badRevision.status == 2)
        #expect(badRevision.stderr.contains("no-such-branch"))

        let notARepository = try runner.run(["check", "--repo", runner.scratch, "--live-file", "x"])
        #expect(notARepository.status == 2)
    }

    @Test func badFlagsExitTwo() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}")
        defer { runner.remove() }
        let live = DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))
        let unknownFormat = try check(repository, runner, live: live, ["-o", "yml"])
        #expect(unknownFormat.status == 2)
        #expect(unknownFormat.stderr.contains("unknown format"))
        let unknownType = try check(repository, runner, live: live, ["--fail-on", "missing-backends"])
        #expect(unknownType.status == 2)
        #expect(unknownType.stderr.contains("unknown finding type 'missing-backends'"))
        let noLive = try runner.run(["check", "--repo", repository.path])
        #expect(noLive.status == 2)
        #expect(noLive.stderr.contains("--live-file"))
        let twoOnStdout = try check(repository, runner, live: live, ["-o", "text", "-o", "json"])
        #expect(twoOnStdout.status == 2)
    }

    @Test func liveStateFromStandardInput() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}")
        defer { runner.remove() }
        let output = try runner.run(
            ["check", "--repo", repository.path, "--live-file", "-"],
            input: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")))
        #expect(output.status == 0, "\(output.stderr)")
    }

    @Test func severalOutputsAtOnce() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}, {ip: 10.0.0.2}")
        defer { runner.remove() }
        let output = try check(
            repository, runner, live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")),
            [
                "-o", "text", "-o", "json=out/report.json", "-o", "markdown=comment.md", "-o", "sarif=out.sarif",
                "-o", "junit=junit.xml",
            ])
        #expect(output.status == 1)
        #expect(output.stdout.contains("missing-backend"))
        let json =
            try JSONSerialization.jsonObject(with: Data(try runner.read("out/report.json").utf8)) as? [String: Any]
        #expect(json?["schemaVersion"] as? Int == 2)
        #expect(try runner.read("comment.md").hasPrefix("<!-- endpoint-drift -->"))
        try Validators.validateJSON(
            try runner.read("out.sarif"), schema: Validators.schemaPath("sarif-schema-2.1.0.json"))
        try Validators.validateXML(try runner.read("junit.xml"), schema: Validators.schemaPath("junit-10.xsd"))
    }

    @Test func githubOutputAppendsTheMarkdownToTheJobSummary() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}, {ip: 10.0.0.2}")
        defer { runner.remove() }
        let summary = try runner.write("step-summary.md", "earlier step\n")
        let output = try check(
            repository, runner, live: DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}")), ["-o", "github"],
            environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(output.status == 1)
        #expect(output.stdout.hasPrefix("::error file=apps/db.yaml,line="))
        let written = try runner.read("step-summary.md")
        #expect(written.hasPrefix("earlier step\n<!-- endpoint-drift -->\n"))
        #expect(written.contains("missing-backend"))
    }

    @Test func colourOnlyWhenAsked() throws {
        let (repository, runner) = try setUp("{ip: 10.0.0.1}, {ip: 10.0.0.2}")
        defer { runner.remove() }
        let live = DriftFixtures.documents(service, endpoints("{ip: 10.0.0.1}"))
        #expect(!(try check(repository, runner, live: live)).stdout.contains("\u{1B}["))
        #expect(try check(repository, runner, live: live, ["--color", "always"]).stdout.contains("\u{1B}[31m"))
        // Not a terminal: auto means no colour even without NO_COLOR.
        #expect(
            !(try check(repository, runner, live: live, ["--color", "auto"], environment: ["NO_COLOR": ""])).stdout
                .contains("\u{1B}["))
    }

    @Test func helpDocumentsTheExitCodes() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let help = try runner.run(["check", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit codes: 0 no drift and no lint errors; 1 drift or lint errors found"))
        #expect(help.stdout.contains("2 could not check"))
    }
}
