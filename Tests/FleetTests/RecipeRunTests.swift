import Foundation
import Manifests
import TestSupport
import Testing

/// The GitLab recipes run as GitLab runs them: the job's `script:` lines one by one in one bash
/// with `set -eo pipefail`, the runner's own commands between them (so `$?` on a line of its own is
/// not the previous line's code), against the built binary, the demo manifests and a fake API
/// server with drift. A job must fail on drift and on exit 2.
@Suite struct RecipeRunTests {
    static let gitlab = Validators.packageRoot + "/docs/ci/gitlab/.gitlab-ci.yml"

    /// The `script:` lines of one job.
    func script(_ job: String) throws -> [String] {
        let text = try String(contentsOfFile: Self.gitlab, encoding: .utf8)
        let root = try #require(try YAMLReader.documents(in: text).first?.mapping)
        let lines = try #require(root[job]?.mapping?["script"]?.sequence, "no script in \(job)")
        return lines.items.compactMap { $0.scalar?.value }
    }

    /// Runs the lines as the GitLab runner does; returns the shell's exit code.
    func runAsGitLab(
        _ lines: [String], in folder: String, environment: [String: String], extraPath: String? = nil
    ) throws -> ProcessRunner.Result {
        var shell = "set -eo pipefail\n"
        for line in lines {
            // The runner echoes each command (and so resets $?) before running it.
            shell += "echo \(ShellQuote.quote("$ " + line))\n\(line)\n"
        }
        let binary = try TestBinary.endpointDrift
        var variables = environment
        variables["PATH"] =
            (extraPath.map { $0 + ":" } ?? "") + (binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"
        // A hang bound: `timeout` kills the job's whole process group (bash, curl, the binary).
        return try ProcessRunner.run(
            "/usr/bin/timeout", ["-s", "KILL", "300", "/bin/bash", "-c", shell], environment: variables,
            currentDirectory: folder)
    }

    /// The demo repository with a cluster map; the base commit lacks the new replica of orders-db,
    /// so the merge request touches orders-db, whose readiness drift was already there.
    func fixture() async throws -> (FleetHarness, FakeKubernetesAPI, base: String) {
        let harness = try FleetHarness()
        let original = try harness.repository.read("apps/shop/orders-db.yaml")
        try harness.repository.write(
            "apps/shop/orders-db.yaml",
            original.components(separatedBy: "\n").filter { !$0.contains("203.0.113.23") }.joined(separator: "\n"))
        try harness.commitMap(["- name: prod\n  context: prod\n  paths: [apps]"])
        let base = try harness.repository.git(["rev-parse", "HEAD"])
        try harness.repository.write("apps/shop/orders-db.yaml", original)
        try harness.repository.commitAll("add the new replica")
        let api = try await FakeKubernetesAPI.start(authentication: .init(tokens: [FleetHarness.token]))
        return (harness, api, base)
    }

    func environment(_ harness: FleetHarness, kubeconfig: String, base: String) -> [String: String] {
        [
            "HOME": harness.home.path, "KUBECONFIG": kubeconfig, "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
            "CI_PROJECT_URL": "https://gitlab.example.com/platform/gitops", "ENDPOINT_DRIFT_WEBHOOK": "",
            "PUSHGATEWAY_URL": "", "NO_COLOR": "1",
            "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": harness.home.file("no-service-account"),
        ]
    }

    @Test func mergeRequestJobsFailOnDriftAndOnExitTwo() async throws {
        let (harness, api, base) = try await fixture()
        defer { Task { await api.stop() } }
        let folder = harness.repository.path
        let kubeconfig = try harness.kubeconfig([("prod", api.serverURL)])
        let check = try runAsGitLab(
            try script("drift:merge-request"), in: folder,
            environment: environment(harness, kubeconfig: kubeconfig, base: base))
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(try harness.repository.read("endpoint-drift.exit-code") == "1\n")
        #expect(try harness.repository.read("endpoint-drift.md").contains("Drift already there"))
        // The note job ends with the saved code: the pipeline fails on drift.
        let note = try #require(try script("drift:merge-request-note").last)
        let verdict = try runAsGitLab([note], in: folder, environment: [:])
        #expect(verdict.status == 1)

        // A cluster that cannot be reached: the check job itself fails.
        let unreachable = try harness.kubeconfig([("prod", try RefusingPort.url())])
        let broken = try runAsGitLab(
            try script("drift:merge-request"), in: folder,
            environment: environment(harness, kubeconfig: unreachable, base: base))
        #expect(broken.status != 0)
        #expect(try harness.repository.read("endpoint-drift.exit-code") == "2\n")
    }

    @Test func nightlyJobFailsOnDriftAndOnExitTwo() async throws {
        let (harness, api, base) = try await fixture()
        defer { Task { await api.stop() } }
        let folder = harness.repository.path
        let kubeconfig = try harness.kubeconfig([("prod", api.serverURL)])
        let drift = try runAsGitLab(
            try script("drift:nightly"), in: folder,
            environment: environment(harness, kubeconfig: kubeconfig, base: base))
        #expect(drift.status == 1, "\(drift.stdout)\(drift.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/report/endpoint-drift.html"))
        #expect(FileManager.default.fileExists(atPath: folder + "/report/state.json"))

        let unreachable = try harness.kubeconfig([("prod", try RefusingPort.url())])
        let broken = try runAsGitLab(
            try script("drift:nightly"), in: folder,
            environment: environment(harness, kubeconfig: unreachable, base: base))
        #expect(broken.status == 2, "\(broken.stdout)\(broken.stderr)")
    }
}

/// Single quotes for the shell.
enum ShellQuote {
    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// The GitHub nightly recipe as Actions runs it: the action's run step in `bash --noprofile --norc
/// -eo pipefail`, with the workflow's `args:` where unset secrets and variables are empty strings,
/// then the workflow's last step with the step output.
@Suite struct GitHubRecipeRunTests {
    static let root = Validators.packageRoot

    func mapping(_ relative: String) throws -> Mapping {
        let text = try String(contentsOfFile: "\(Self.root)/\(relative)", encoding: .utf8)
        return try #require(try YAMLReader.documents(in: text).first?.mapping)
    }

    func step(_ steps: Node?, id: String? = nil, name: String? = nil) throws -> Mapping {
        let items = steps?.sequence?.items ?? []
        let found = items.compactMap { $0.mapping }.first { step in
            (id != nil && step["id"]?.scalar?.value == id) || (name != nil && step["name"]?.scalar?.value == name)
        }
        return try #require(found)
    }

    /// `${{ secrets.X }}` and `${{ vars.X }}` unset (empty), the github context filled in.
    func expand(_ text: String, outputs: [String: String] = [:]) -> String {
        var out = text.replacingOccurrences(
            of: #"\$\{\{\s*(secrets|vars)\.[A-Za-z0-9_]+\s*\}\}"#, with: "", options: .regularExpression)
        out = out.replacingOccurrences(of: "${{ github.server_url }}", with: "https://github.com")
        out = out.replacingOccurrences(of: "${{ github.repository }}", with: "example-org/gitops")
        for (name, value) in outputs { out = out.replacingOccurrences(of: "${{ \(name) }}", with: value) }
        return out
    }

    func bash(_ script: String, in folder: String, environment: [String: String]) throws -> ProcessRunner.Result {
        let binary = try TestBinary.endpointDrift
        var variables = environment
        variables["PATH"] = (binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"
        return try ProcessRunner.run(
            "/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], environment: variables,
            currentDirectory: folder)
    }

    /// Runs the nightly's check through the action; returns the step output `exit-code` and the
    /// last step's exit status.
    func nightly(_ harness: FleetHarness, server: String) throws -> (code: String, job: Int32) {
        let workflow = try mapping("docs/ci/github/nightly.yml")
        let job = try #require(workflow["jobs"]?.mapping?.entries.first?.value.mapping)
        let drift = try step(job["steps"], id: "drift")
        let args = expand(try #require(drift["with"]?.mapping?["args"]?.scalar?.value))
        let action = try mapping("action.yml")
        let run = try #require(try step(action["runs"]?.mapping?["steps"], id: "run")["run"]?.scalar?.value)
        let kubeconfig = try String(
            contentsOfFile: try harness.kubeconfig([("prod", server)]), encoding: .utf8)
        let output = harness.home.file("github-output")
        try? FileManager.default.removeItem(atPath: output)
        let result = try bash(
            run, in: harness.repository.path,
            environment: [
                "HOME": harness.home.path, "ENDPOINT_DRIFT_ARGS": args, "ENDPOINT_DRIFT_KUBECONFIG": kubeconfig,
                "ENDPOINT_DRIFT_FAIL": "false", "GITHUB_OUTPUT": output, "RUNNER_TEMP": harness.home.path,
                "ENDPOINT_DRIFT_PUSHGATEWAY_TOKEN": "", "NO_COLOR": "1",
                "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": harness.home.file("no-service-account"),
            ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let code =
            (try String(contentsOfFile: output, encoding: .utf8)).split(separator: "\n")
            .first { $0.hasPrefix("exit-code=") }.map { String($0.dropFirst("exit-code=".count)) } ?? ""
        let last = try #require(job["steps"]?.sequence?.items.last?.mapping)
        let condition = last["if"]?.scalar?.value ?? ""
        #expect(condition == "steps.drift.outputs.exit-code != '0'")
        guard code != "0" else { return (code, 0) }
        let script = expand(
            try #require(last["run"]?.scalar?.value), outputs: ["steps.drift.outputs.exit-code": code])
        return (code, try bash(script, in: harness.repository.path, environment: [:]).status)
    }

    @Test func nightlyFailsOnDriftAndOnExitTwoWithUnsetSecrets() async throws {
        let harness = try FleetHarness()
        try harness.commitMap(["- name: prod\n  context: prod\n  paths: [apps]"])
        let api = try await FakeKubernetesAPI.start(authentication: .init(tokens: [FleetHarness.token]))
        defer { Task { await api.stop() } }
        let drift = try nightly(harness, server: api.serverURL)
        #expect(drift.code == "1")
        #expect(drift.job == 1)
        let unreachable = try nightly(harness, server: try RefusingPort.url())
        #expect(unreachable.code == "2")
        #expect(unreachable.job == 2)
    }
}
