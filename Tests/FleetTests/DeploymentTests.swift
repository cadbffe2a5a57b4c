import Foundation
import Manifests
import Reporting
import TestSupport
import Testing

/// `deploy/`, the Dockerfile, `action.yml` and the CI examples, checked with real validators:
/// `kubernetes-validate` (Kubernetes schemas) and `check-jsonschema` (GitHub workflow and action,
/// GitLab CI schemas), both from PyPI via `make pytools`; the flags they pass to endpoint-drift
/// are checked against the built binary's `--help`.
@Suite struct DeploymentTests {
    static let root = Validators.packageRoot
    static let manifests = [
        "namespace.yaml", "serviceaccount.yaml", "clusterrole.yaml", "clusterrolebinding.yaml", "state-pvc.yaml",
        "cronjob.yaml",
    ]
    static let workflows = ["pull-request.yml", "nightly.yml", "auto-fix.yml"]

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: "\(Self.root)/\(relative)", encoding: .utf8)
    }

    func yaml(_ relative: String) throws -> Node {
        try #require(try YAMLReader.documents(in: try read(relative)).first)
    }

    // MARK: Kubernetes

    @Test(arguments: ["1.29.0", "1.37.0"])
    func manifestsPassStrictSchemaValidation(version: String) throws {
        let files = Self.manifests.map { "\(Self.root)/deploy/\($0)" }
        let result = try PythonTools.run("kubernetes-validate", ["--strict", "-k", version] + files)
        #expect(
            result.stdout.components(separatedBy: " passed for resource ").count == files.count + 1, "\(result.stdout)")
    }

    @Test func theValidatorCatchesAMisspeltField() throws {
        let folder = try TempFolder()
        let broken = try folder.write(
            "cronjob.yaml",
            try read("deploy/cronjob.yaml").replacingOccurrences(of: "backoffLimit:", with: "backofLimit:"))
        #expect(throws: ValidationFailure.self) { try PythonTools.run("kubernetes-validate", ["--strict", broken]) }
    }

    @Test func theClusterRoleGrantsExactlyGetAndListOnTheThreeResources() throws {
        let role = try yaml("deploy/clusterrole.yaml")
        #expect(role.mapping?["kind"]?.stringValue == "ClusterRole")
        #expect(role.mapping?["aggregationRule"] == nil)
        var grants: Set<String> = []
        for rule in role.mapping?["rules"]?.sequence?.items ?? [] {
            let fields = try #require(rule.mapping)
            #expect(fields["resourceNames"] == nil && fields["nonResourceURLs"] == nil)
            let groups = fields["apiGroups"]?.sequence?.items.compactMap(\.scalar?.value) ?? []
            let resources = fields["resources"]?.sequence?.items.compactMap(\.scalar?.value) ?? []
            let verbs = fields["verbs"]?.sequence?.items.compactMap(\.scalar?.value) ?? []
            for group in groups {
                for resource in resources {
                    for verb in verbs { grants.insert("\(verb) \(group.isEmpty ? resource : "\(resource).\(group)")") }
                }
            }
        }
        #expect(
            grants == [
                "get services", "list services", "get endpoints", "list endpoints",
                "get endpointslices.discovery.k8s.io", "list endpointslices.discovery.k8s.io",
            ])
    }

    @Test func theCronJobRunsInClusterAsTheBoundServiceAccountOnAClonedRepository() throws {
        let binding = try yaml("deploy/clusterrolebinding.yaml").mapping
        #expect(binding?["roleRef"]?.mapping?["name"]?.stringValue == "endpoint-drift-reader")
        let subject = binding?["subjects"]?.sequence?.items.first?.mapping
        #expect(subject?["name"]?.stringValue == "endpoint-drift")
        #expect(subject?["namespace"]?.stringValue == "endpoint-drift")

        let cronjob = try yaml("deploy/cronjob.yaml").mapping
        #expect(cronjob?["spec"]?.mapping?["concurrencyPolicy"]?.stringValue == "Forbid")
        let pod = try #require(
            cronjob?["spec"]?.mapping?["jobTemplate"]?.mapping?["spec"]?.mapping?["template"]?.mapping?["spec"]?
                .mapping)
        #expect(pod["serviceAccountName"]?.stringValue == "endpoint-drift")
        #expect(pod["securityContext"]?.mapping?["runAsNonRoot"]?.scalar?.value == "true")
        #expect(pod["securityContext"]?.mapping?["runAsUser"]?.scalar?.value == "65532")
        let clone = try #require(pod["initContainers"]?.sequence?.items.first?.mapping)
        #expect(clone["image"]?.stringValue?.hasPrefix("alpine/git:") == true)
        #expect(clone["args"]?.sequence?.items.first?.stringValue == "clone")
        #expect(clone["args"]?.sequence?.items.last?.stringValue == "/repo")
        let check = try #require(pod["containers"]?.sequence?.items.first?.mapping)
        let arguments = check["args"]?.sequence?.items.compactMap(\.stringValue) ?? []
        #expect(arguments.first == "check")
        #expect(arguments.contains("--in-cluster") && arguments.contains("--repo=/repo"))
        let repoVolume = pod["volumes"]?.sequence?.items.first { $0.mapping?["name"]?.stringValue == "repo" }
        #expect(repoVolume?.mapping?["emptyDir"] != nil)
        try expectKnownFlags(arguments, origin: "deploy/cronjob.yaml")
    }

    @Test func theKustomizationListsEveryManifest() throws {
        let resources = try yaml("deploy/kustomization.yaml").mapping?["resources"]?.sequence?.items.compactMap(
            \.stringValue)
        #expect(Set(resources ?? []) == Set(Self.manifests))
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(Self.root)/deploy").filter {
            $0.hasSuffix(".yaml")
        }
        #expect(Set(files) == Set(Self.manifests + ["kustomization.yaml"]))
    }

    // MARK: Prometheus

    /// The sample alerts: valid rules, and they fire on drift, on a cluster that cannot be read, on
    /// backends gone and on a stale check (promtool's rule unit tests), and stay quiet otherwise.
    @Test func theAlertRulesPassPromtoolAndTheirUnitTests() throws {
        let folder = "\(Self.root)/deploy/prometheus"
        let check = try ProcessRunner.run(
            "/usr/bin/env", ["promtool", "check", "rules", "endpoint-drift.rules.yml"], currentDirectory: folder)
        #expect(check.status == 0 && check.stdout.contains("SUCCESS: 4 rules found"), "\(check.stdout)\(check.stderr)")
        let test = try ProcessRunner.run(
            "/usr/bin/env", ["promtool", "test", "rules", "endpoint-drift.rules.test.yml"], currentDirectory: folder)
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }

    /// Every metric the rules use is one the tool writes.
    @Test func theRulesUseOnlyMetricsTheToolWrites() throws {
        let rules = try read("deploy/prometheus/endpoint-drift.rules.yml")
        let metrics = PrometheusMetrics(timestamp: 1).exposition(FleetScenario.fleet())
        let used = Set(
            rules.split(whereSeparator: { !$0.isLetter && $0 != "_" }).filter { $0.hasPrefix("endpoint_drift_") })
        #expect(used.count == 5)
        for name in used { #expect(metrics.contains("# TYPE \(name) gauge"), "\(name) is not written") }
    }

    // MARK: GitHub and GitLab

    @Test func theActionAndTheWorkflowsMatchGitHubsSchemas() throws {
        try PythonTools.run(
            "check-jsonschema", ["--builtin-schema", "vendor.github-actions", "\(Self.root)/action.yml"])
        try PythonTools.run(
            "check-jsonschema",
            ["--builtin-schema", "vendor.github-workflows"] + Self.workflows.map { "\(Self.root)/docs/ci/github/\($0)" }
        )
    }

    @Test func theGitLabExampleMatchesGitLabsSchema() throws {
        try PythonTools.run(
            "check-jsonschema", ["--builtin-schema", "vendor.gitlab-ci", "\(Self.root)/docs/ci/gitlab/.gitlab-ci.yml"])
    }

    @Test func theSchemaCheckCatchesABrokenWorkflow() throws {
        let folder = try TempFolder()
        let broken = try folder.write(
            "broken.yml", try read("docs/ci/github/nightly.yml").replacingOccurrences(of: "runs-on:", with: "run-on:"))
        #expect(throws: ValidationFailure.self) {
            try PythonTools.run("check-jsonschema", ["--builtin-schema", "vendor.github-workflows", broken])
        }
    }

    @Test func examplesDoNotRunInThisRepository() {
        #expect(!FileManager.default.fileExists(atPath: "\(Self.root)/.github/workflows/pull-request.yml"))
        #expect(!FileManager.default.fileExists(atPath: "\(Self.root)/.gitlab-ci.yml"))
    }

    @Test func eachRecipeDoesWhatItIsFor() throws {
        let pullRequest = try read("docs/ci/github/pull-request.yml")
        #expect(pullRequest.contains("--base ${{ github.event.pull_request.base.sha }}"))
        #expect(pullRequest.contains("-o markdown=endpoint-drift.md"))
        #expect(pullRequest.contains("marker='<!-- endpoint-drift -->'"))
        #expect(pullRequest.contains("github/codeql-action/upload-sarif@v3"))
        // Code scanning is opt-in: the upload fails on private repositories without it.
        #expect(pullRequest.contains("vars.ENDPOINT_DRIFT_CODE_SCANNING == 'true'"))
        // The build cache is saved even when the check fails the job (drift), not by actions/cache's post step.
        let action = try read("action.yml")
        #expect(!action.contains("uses: actions/cache@"))
        #expect(action.contains("uses: actions/cache/save@v4"))
        #expect(
            action.contains(
                "if: always() && inputs.build-from-source == 'true' && steps.cache.outputs.cache-hit != 'true'"))
        // timeZone needs Kubernetes 1.27: not in the base CronJob, documented as a patch.
        #expect(!(try read("deploy/cronjob.yaml")).contains("\n  timeZone:"))
        #expect(try read("docs/deploy.md").contains("Kubernetes 1.27"))
        let nightly = try read("docs/ci/github/nightly.yml")
        for part in ["schedule:", "--state ", "--webhook ", "--pushgateway ", "gh issue create", ".lastRun.new"] {
            #expect(nightly.contains(part), "nightly.yml: \(part)")
        }
        let autoFix = try read("docs/ci/github/auto-fix.yml")
        for part in ["fix --context", "--commit", "git push", "gh pr create"] {
            #expect(autoFix.contains(part), "auto-fix.yml: \(part)")
        }
        let gitlab = try read("docs/ci/gitlab/.gitlab-ci.yml")
        for job in ["drift:merge-request:", "drift:nightly:", "drift:auto-fix:"] { #expect(gitlab.contains(job)) }
        #expect(gitlab.contains("startswith(\"<!-- endpoint-drift -->\")"))
        #expect(gitlab.contains("merge_request.create"))
    }

    /// Every `--flag` the recipes pass exists in the built binary's help for that command.
    @Test func theRecipesUseOnlyFlagsTheBinaryHas() throws {
        let sources = Self.workflows.map { "docs/ci/github/\($0)" } + ["docs/ci/gitlab/.gitlab-ci.yml"]
        var checked = 0
        for source in sources {
            for text in scalars(try yaml(source)) {
                // One command line per scalar: `args:` of the action, or a script line.
                for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    // `code=0; endpoint-drift check … || code=$?`: the command between the shell's parts.
                    let direct = line.hasPrefix("check ") || line.hasPrefix("fix ")
                    let command =
                        direct ? line : line.range(of: "endpoint-drift ").map { String(line[$0.lowerBound...]) } ?? line
                    let tokens = Array(
                        command.split(separator: " ").map(String.init).prefix { $0 != "||" && !$0.hasSuffix(";") })
                    for command in ["check", "fix"] {
                        // `stage: check` and `id: fix` are single words, not command lines.
                        guard tokens.count > 2 else { continue }
                        if tokens.first == command
                            || (tokens.first == "endpoint-drift" && tokens.dropFirst().first == command)
                        {
                            try expectKnownFlags(Array(tokens.drop { $0 != command }), origin: source)
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == 6, "one invocation per recipe, GitHub and GitLab")
    }

    /// Every scalar value in a document, folded scalars already joined by the YAML reader.
    func scalars(_ node: Node) -> [String] {
        switch node {
        case .scalar(let scalar): [scalar.value]
        case .sequence(let sequence): sequence.items.flatMap(scalars)
        case .mapping(let mapping): mapping.entries.flatMap { scalars($0.value) }
        }
    }

    func expectKnownFlags(_ arguments: [String], origin: String) throws {
        guard let command = arguments.first else { return }
        let help = try ProcessRunner.run(try TestBinary.endpointDrift, [command, "--help"]).stdout
        for token in arguments.dropFirst() where token.hasPrefix("--") {
            let flag = String(token.prefix { $0 != "=" })
            #expect(
                help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + ","),
                "\(origin): \(command) has no \(flag)")
        }
    }

    // MARK: Dockerfile

    @Test func theDockerfileBuildsInOneStageAndRunsUnprivilegedInAnother() throws {
        let lines = try read("Dockerfile").split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let stages = lines.filter { $0.hasPrefix("FROM ") }
        #expect(stages == ["FROM swift:${SWIFT_VERSION}-bookworm AS build", "FROM debian:bookworm-slim AS runtime"])
        #expect(lines.contains { $0.hasPrefix("ARG SWIFT_VERSION=6.") })
        let build = lines.prefix { $0 != stages[1] }.joined(separator: "\n")
        #expect(build.contains("libgit2-dev libyaml-dev"))
        // The portable binary of the release tarball, built as `make dist` builds it.
        #expect(build.contains("make dist DIST_IMAGE=0"))
        let makefile = try read("Makefile")
        #expect(
            makefile.contains(
                "-c release --scratch-path $(DIST_SCRATCH) --product endpoint-drift --static-swift-stdlib"))
        let runtime = lines.drop { $0 != stages[1] }
        #expect(runtime.contains("COPY --from=build /out/endpoint-drift /usr/local/bin/endpoint-drift"))
        let user = try #require(runtime.last { $0.hasPrefix("USER ") })
        let uid = Int(user.dropFirst(5).prefix { $0 != ":" })
        #expect(uid == 65532, "the same user as the CronJob's runAsUser")
        #expect(runtime.contains("ENTRYPOINT [\"/usr/local/bin/endpoint-drift\"]"))
        let docker = try read(".dockerignore")
        #expect(docker.contains(".build"))
    }

    /// The binary is portable (`make dist-check` asserts its ldd list): the runtime stage installs
    /// what a run reads from the system, CA certificates and time zones, and no library.
    @Test func theRuntimeStageInstallsNoLibrary() throws {
        let dockerfile = try read("Dockerfile")
        let install = try #require(
            dockerfile.split(separator: "\n").last { $0.contains("apt-get install") }.map(String.init))
        let installed = Set(
            install.split(separator: " ").map(String.init).filter {
                !$0.hasPrefix("-") && !$0.contains("=") && !["&&", "apt-get", "install", "\\"].contains($0)
            })
        #expect(installed == ["ca-certificates", "tzdata"])
    }
}
