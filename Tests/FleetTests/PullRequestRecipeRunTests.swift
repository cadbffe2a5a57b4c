import Foundation
import Manifests
import TestSupport
import Testing

/// A `gh` on the PATH that records its arguments (one call a line) and the body it would post, and
/// answers `--jq` queries with `FAKE_GH_ANSWER` (empty: nothing found).
struct FakeGitHubCLI {
    let folder: TempFolder
    var log: String { folder.file("calls") }
    var body: String { folder.file("body") }

    init() throws {
        folder = try TempFolder()
        _ = try folder.write(
            "bin/gh",
            """
            #!/bin/sh
            printf '%s\\n' "$*" >> "$FAKE_GH_LOG"
            previous=""
            for argument in "$@"; do
              case "$argument" in body=@*) cat "${argument#body=@}" > "$FAKE_GH_BODY" ;; esac
              [ "$previous" = "--body-file" ] && cat "$argument" > "$FAKE_GH_BODY"
              previous="$argument"
            done
            case " $* " in *" --jq "*) [ -z "$FAKE_GH_ANSWER" ] || printf '%s\\n' "$FAKE_GH_ANSWER" ;; esac
            exit 0

            """, executable: true)
    }

    func environment(answer: String) -> [String: String] {
        ["FAKE_GH_LOG": log, "FAKE_GH_BODY": body, "FAKE_GH_ANSWER": answer]
    }

    var path: String { folder.file("bin") }

    func calls() -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func reset() {
        try? FileManager.default.removeItem(atPath: log)
        try? FileManager.default.removeItem(atPath: body)
    }
}

/// The GitHub pull-request and auto-fix workflows and GitLab's auto-fix jobs, run as their runners
/// run them: the action's run step and the workflow's `run:` steps in `bash --noprofile --norc -eo
/// pipefail` (unset secrets and variables empty), GitLab's script lines in one `set -eo pipefail`
/// shell; `gh` is a fake that records what it is asked, `git push` goes to a local bare repository.
@Suite struct PullRequestRecipeRunTests {
    let github = GitHubRecipeRunTests()

    func bash(
        _ script: String, in folder: String, environment: [String: String], gh: FakeGitHubCLI
    ) throws -> ProcessRunner.Result {
        let binary = try TestBinary.endpointDrift
        var variables = environment
        variables["PATH"] = gh.path + ":" + (binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"
        return try ProcessRunner.run(
            "/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], environment: variables,
            currentDirectory: folder)
    }

    /// The action's run step with these `args`; returns the step output `exit-code`.
    func runAction(
        _ args: String, harness: FleetHarness, server: String, environment: [String: String] = [:]
    ) throws -> String {
        let action = try github.mapping("action.yml")
        let run = try #require(try github.step(action["runs"]?.mapping?["steps"], id: "run")["run"]?.scalar?.value)
        let kubeconfig = try String(contentsOfFile: try harness.kubeconfig([("prod", server)]), encoding: .utf8)
        let output = harness.home.file("github-output")
        try? FileManager.default.removeItem(atPath: output)
        var variables = [
            "HOME": harness.home.path, "ENDPOINT_DRIFT_ARGS": args, "ENDPOINT_DRIFT_KUBECONFIG": kubeconfig,
            "ENDPOINT_DRIFT_FAIL": "false", "GITHUB_OUTPUT": output, "RUNNER_TEMP": harness.home.path,
            "NO_COLOR": "1", "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": harness.home.file("no-service-account"),
        ]
        for (name, value) in environment { variables[name] = value }
        let result = try github.bash(run, in: harness.repository.path, environment: variables)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        return (try String(contentsOfFile: output, encoding: .utf8)).split(separator: "\n")
            .first { $0.hasPrefix("exit-code=") }.map { String($0.dropFirst("exit-code=".count)) } ?? ""
    }

    // MARK: GitHub pull request

    @Test func pullRequestCommentIsPostedThenUpdatedAndTheJobFailsOnDriftAndExitTwo() async throws {
        let (harness, api, base) = try await RecipeRunTests().fixture()
        defer { Task { await api.stop() } }
        let folder = harness.repository.path
        let workflow = try github.mapping("docs/ci/github/pull-request.yml")
        let job = try #require(workflow["jobs"]?.mapping?["drift"]?.mapping)
        let args = github.expand(
            try #require(try github.step(job["steps"], id: "drift")["with"]?.mapping?["args"]?.scalar?.value),
            outputs: ["github.event.pull_request.base.sha": base])
        let comment = try github.step(job["steps"], name: "Sticky pull-request comment")
        #expect(comment["if"]?.scalar?.value == "always() && hashFiles('endpoint-drift.md') != ''")
        let commentScript = github.expand(try #require(comment["run"]?.scalar?.value))
        let fail = try github.step(job["steps"], name: "Fail on drift")
        #expect(fail["if"]?.scalar?.value == "steps.drift.outputs.exit-code != '0'")
        let gh = try FakeGitHubCLI()
        let commentEnvironment = [
            "GH_TOKEN": "ghs_fake", "PULL_REQUEST": "17", "GITHUB_REPOSITORY": "example-org/gitops",
        ]

        let code = try runAction(args, harness: harness, server: api.serverURL)
        #expect(code == "1")
        let markdown = try harness.repository.read("endpoint-drift.md")
        #expect(markdown.hasPrefix("<!-- endpoint-drift -->"))
        #expect(markdown.contains("Drift already there"))

        // No comment of ours yet: one is created with the report as its body.
        var posted = try bash(
            commentScript, in: folder, environment: commentEnvironment.merging(gh.environment(answer: "")) { $1 },
            gh: gh)
        #expect(posted.status == 0, "\(posted.stdout)\(posted.stderr)")
        var calls = gh.calls()
        #expect(calls.count == 2)
        #expect(calls.first?.hasPrefix("api --paginate repos/example-org/gitops/issues/17/comments --jq ") == true)
        #expect(calls.first?.contains("startswith(\"<!-- endpoint-drift -->\")") == true)
        #expect(
            calls.last == "api --method POST repos/example-org/gitops/issues/17/comments -F body=@endpoint-drift.md")
        #expect(try String(contentsOfFile: gh.body, encoding: .utf8) == markdown)

        // Our comment exists (id 4242): it is updated, not a second one posted.
        gh.reset()
        posted = try bash(
            commentScript, in: folder, environment: commentEnvironment.merging(gh.environment(answer: "4242")) { $1 },
            gh: gh)
        #expect(posted.status == 0, "\(posted.stdout)\(posted.stderr)")
        calls = gh.calls()
        #expect(calls.count == 2)
        #expect(
            calls.last == "api --method PATCH repos/example-org/gitops/issues/comments/4242 -F body=@endpoint-drift.md")
        #expect(try String(contentsOfFile: gh.body, encoding: .utf8) == markdown)

        // The last step fails the job on drift.
        let failScript = github.expand(
            try #require(fail["run"]?.scalar?.value), outputs: ["steps.drift.outputs.exit-code": code])
        #expect(try github.bash(failScript, in: folder, environment: [:]).status == 1)

        // A cluster that cannot be reached: exit 2, and the job fails.
        let unreachable = try runAction(args, harness: harness, server: try RefusingPort.url())
        #expect(unreachable == "2")
        let failed = github.expand(
            try #require(fail["run"]?.scalar?.value), outputs: ["steps.drift.outputs.exit-code": unreachable])
        let verdict = try github.bash(failed, in: folder, environment: [:])
        #expect(verdict.status != 0)
        #expect(verdict.stdout.contains("endpoint-drift exited 2"))
    }

    // MARK: Auto-fix

    /// The demo manifests under `clusters/prod` (where the auto-fix recipes look), committed, with
    /// `origin` a local bare repository.
    func autoFixFixture() async throws -> (FleetHarness, FakeKubernetesAPI, remote: TempGitRepository) {
        let harness = try FleetHarness()
        let root = URL(fileURLWithPath: harness.repository.path)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("clusters"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            at: root.appendingPathComponent("apps"), to: root.appendingPathComponent("clusters/prod"))
        try harness.commitMap(["- name: prod\n  context: prod\n  paths: [clusters/prod]"])
        let remote = try TempGitRepository(bare: true)
        try harness.repository.git(["remote", "add", "origin", "file://" + remote.path])
        let api = try await FakeKubernetesAPI.start(authentication: .init(tokens: [FleetHarness.token]))
        return (harness, api, remote)
    }

    @Test func gitHubAutoFixPushesTheFixBranchAndOpensOnePullRequest() async throws {
        let (harness, api, remote) = try await autoFixFixture()
        defer { Task { await api.stop() } }
        let folder = harness.repository.path
        let head = try harness.repository.git(["rev-parse", "HEAD"])
        let workflow = try github.mapping("docs/ci/github/auto-fix.yml")
        var environment: [String: String] = [:]
        for entry in workflow["env"]?.mapping?.entries ?? [] {
            environment[entry.key.scalar?.value ?? ""] = entry.value.scalar?.value
        }
        #expect(environment["MANIFESTS"] == "clusters/prod")
        let branch = try #require(environment["BRANCH"])
        let job = try #require(workflow["jobs"]?.mapping?["fix"]?.mapping)
        let args = github.expand(
            try #require(try github.step(job["steps"], id: "fix")["with"]?.mapping?["args"]?.scalar?.value))
        let push = try github.step(job["steps"], name: "Push the branch and open a pull request")
        #expect(push["if"]?.scalar?.value == "steps.fix.outputs.exit-code != '2'")
        let pushScript = github.expand(
            try #require(push["run"]?.scalar?.value), outputs: ["github.event.repository.default_branch": "main"])
        let gh = try FakeGitHubCLI()

        let code = try runAction(args, harness: harness, server: api.serverURL, environment: environment)
        #expect(code != "2")
        let report = try CLIJSON.object(try harness.repository.read("fix.json"))
        let commit = try #require((report["outputs"] as? [String: Any])?["commit"] as? [String: Any])
        #expect(commit["branch"] as? String == branch)
        #expect(commit["parent"] as? String == head)

        var variables = environment.merging(gh.environment(answer: "")) { $1 }
        variables["GH_TOKEN"] = "ghs_fake"
        variables["HOME"] = harness.home.path
        let pushed = try bash(pushScript, in: folder, environment: variables, gh: gh)
        #expect(pushed.status == 0, "\(pushed.stdout)\(pushed.stderr)")
        // The fix commit is on the remote's branch; the local main is untouched.
        #expect(try remote.git(["rev-parse", "refs/heads/\(branch)"]) == commit["id"] as? String)
        #expect(try remote.git(["rev-parse", "refs/heads/\(branch)^"]) == head)
        #expect(try harness.repository.git(["rev-parse", "HEAD"]) == head)
        let changed = try remote.git(["diff", "--name-only", head, branch])
        #expect(!changed.isEmpty && changed.split(separator: "\n").allSatisfy { $0.hasPrefix("clusters/prod/") })
        var calls = gh.calls()
        #expect(calls.count == 2)
        #expect(calls.first == "pr list --head \(branch) --state open --json number --jq .[].number")
        #expect(
            calls.last
                == "pr create --head \(branch) --base main --title endpoint-drift: make clusters/prod match cluster prod --body-file body.md"
        )
        let body = try String(contentsOfFile: gh.body, encoding: .utf8)
        #expect(
            body.trimmingCharacters(in: .newlines) == (commit["message"] as? String)?.trimmingCharacters(in: .newlines))

        // A pull request for the branch is already open: the branch is updated, no second one opened.
        gh.reset()
        variables.merge(gh.environment(answer: "31")) { $1 }
        let again = try bash(pushScript, in: folder, environment: variables, gh: gh)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(gh.calls().count == 1)

        // Exit 2: no push, and the last step fails the job.
        let unreachable = try runAction(
            args, harness: harness, server: try RefusingPort.url(), environment: environment)
        #expect(unreachable == "2")
        let last = try github.step(job["steps"], name: "Fail when it could not run")
        #expect(last["if"]?.scalar?.value == "steps.fix.outputs.exit-code == '2'")
        #expect(try github.bash(try #require(last["run"]?.scalar?.value), in: folder, environment: [:]).status == 2)
    }

    @Test func gitLabAutoFixPushesTheFixBranchWithMergeRequestOptions() async throws {
        let (harness, api, _) = try await autoFixFixture()
        defer { Task { await api.stop() } }
        let folder = harness.repository.path
        let head = try harness.repository.git(["rev-parse", "HEAD"])
        let gitlab = RecipeRunTests()
        let kubeconfig = try harness.kubeconfig([("prod", api.serverURL)])
        let environment = [
            "HOME": harness.home.path, "KUBECONFIG": kubeconfig, "NO_COLOR": "1",
            "ENDPOINT_DRIFT_SERVICE_ACCOUNT_DIR": harness.home.file("no-service-account"),
        ]
        let fix = try gitlab.runAsGitLab(try gitlab.script("drift:auto-fix"), in: folder, environment: environment)
        // The demo leaves drift that needs a person (exit 1): the fix for the rest is still kept.
        #expect(fix.status == 0, "\(fix.stdout)\(fix.stderr)")
        #expect(fix.stdout.contains("endpoint-drift exited 1"))
        let mbox = try harness.repository.read("fix.mbox")
        #expect(mbox.hasPrefix("From "))

        // The project's remote: a bare repository that takes push options and records them.
        let server = try TempFolder()
        let remote = server.file("platform/gitops.git")
        try TempGitRepository.run("/usr/bin/env", ["git", "init", "-q", "--bare", remote])
        try TempGitRepository.run(
            "/usr/bin/env", ["git", "-C", remote, "config", "receive.advertisePushOptions", "true"])
        _ = try server.write(
            "platform/gitops.git/hooks/pre-receive",
            "#!/bin/sh\nenv | grep '^GIT_PUSH_OPTION_[0-9]' | sort > \"$GIT_DIR/push-options\"\n",
            executable: true)
        let text = try String(contentsOfFile: RecipeRunTests.gitlab, encoding: .utf8)
        let root = try #require(try YAMLReader.documents(in: text).first?.mapping)
        let branch = try #require(
            root["drift:auto-fix-merge-request"]?.mapping?["variables"]?.mapping?["BRANCH"]?.scalar?.value)
        let request = try gitlab.runAsGitLab(
            try gitlab.script("drift:auto-fix-merge-request"), in: folder,
            environment: [
                "HOME": harness.home.path, "BRANCH": branch, "CI_COMMIT_SHA": head,
                "CI_SERVER_URL": "file://" + server.path, "CI_PROJECT_PATH": "platform/gitops",
                "CI_DEFAULT_BRANCH": "main", "ENDPOINT_DRIFT_GITLAB_TOKEN": "glpat-fake",
            ])
        #expect(request.status == 0, "\(request.stdout)\(request.stderr)")
        #expect(!request.stdout.contains("glpat-fake") && !request.stderr.contains("glpat-fake"))
        let pushed = try TempGitRepository.run(
            "/usr/bin/env", ["git", "-C", remote, "rev-parse", "refs/heads/\(branch)"])
        #expect(try TempGitRepository.run("/usr/bin/env", ["git", "-C", remote, "rev-parse", "\(pushed)^"]) == head)
        let changed = try TempGitRepository.run(
            "/usr/bin/env", ["git", "-C", remote, "diff", "--name-only", head, pushed])
        #expect(!changed.isEmpty && changed.split(separator: "\n").allSatisfy { $0.hasPrefix("clusters/prod/") })
        let options = try String(contentsOfFile: remote + "/push-options", encoding: .utf8)
        #expect(
            options
                == "GIT_PUSH_OPTION_0=merge_request.create\nGIT_PUSH_OPTION_1=merge_request.target=main\n"
                + "GIT_PUSH_OPTION_2=merge_request.title=endpoint-drift: make clusters/prod match the cluster\n"
        )

        // A cluster that cannot be reached: the fix job fails (and so no merge request job runs).
        let unreachable = try harness.kubeconfig([("prod", try RefusingPort.url())])
        var broken = environment
        broken["KUBECONFIG"] = unreachable
        let failed = try gitlab.runAsGitLab(try gitlab.script("drift:auto-fix"), in: folder, environment: broken)
        #expect(failed.status != 0, "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stdout.contains("endpoint-drift exited 2"))
    }
}

enum CLIJSON {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
