import Foundation
import Manifests
import TestSupport
import Testing

/// The action installs the release binary of its own version, as Actions runs the step (bash
/// --noprofile --norc -eo pipefail, GITHUB_ACTION_PATH, GITHUB_PATH, RUNNER_TEMP): the tarball comes
/// from `release-url` (a file:// folder here standing in for GitHub's releases) and must have the
/// sha256 committed in release/SHA256SUMS; a source build happens only with build-from-source.
@Suite struct ActionReleaseTests {
    let github = GitHubRecipeRunTests()

    /// An action folder (Version.swift and release/SHA256SUMS as committed, or with `sums`) and a
    /// release folder holding a tarball whose `endpoint-drift` prints its version.
    func fixture(tamper: Bool = false, sums: String? = nil) throws -> (TempFolder, action: String, url: String) {
        let folder = try TempFolder()
        let root = Validators.packageRoot
        let version = try #require(
            try String(contentsOfFile: root + "/Sources/EndpointDriftKit/Version.swift", encoding: .utf8)
                .firstMatch(of: /static let current = "([^"]+)"/)?.1)
        let arch = try ProcessRunner.run("/usr/bin/uname", ["-m"]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let name = "endpoint-drift-\(version)-linux-\(arch)"
        _ = try folder.write(
            "stage/\(name)/endpoint-drift", "#!/bin/sh\necho \"endpoint-drift \(version) (test tarball)\"\n",
            executable: true)
        let tarball = folder.file("releases/v\(version)/\(name).tar.gz")
        try FileManager.default.createDirectory(
            atPath: (tarball as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let packed = try ProcessRunner.run("/bin/tar", ["-czf", tarball, "-C", folder.file("stage"), name])
        #expect(packed.status == 0, "\(packed.stderr)")
        let sum = try ProcessRunner.run("/usr/bin/sha256sum", [tarball]).stdout.prefix(64)
        if tamper {
            let handle = try #require(FileHandle(forWritingAtPath: tarball))
            handle.seekToEndOfFile()
            handle.write(Data("x".utf8))
            try handle.close()
        }
        _ = try folder.write(
            "action/Sources/EndpointDriftKit/Version.swift",
            try String(contentsOfFile: root + "/Sources/EndpointDriftKit/Version.swift", encoding: .utf8))
        let committed = try String(contentsOfFile: root + "/release/SHA256SUMS", encoding: .utf8)
        _ = try folder.write("action/release/SHA256SUMS", sums ?? committed + "\(sum)  \(name).tar.gz\n")
        return (folder, folder.file("action"), "file://" + folder.file("releases"))
    }

    /// Runs the action's release step; returns its result and what it added to PATH.
    func install(_ folder: TempFolder, action: String, url: String) throws -> (ProcessRunner.Result, String) {
        let steps = try github.mapping("action.yml")["runs"]?.mapping?["steps"]
        let step = try github.step(steps, id: "release")
        #expect(step["if"]?.scalar?.value == "inputs.build-from-source != 'true'")
        let script = try #require(step["run"]?.scalar?.value)
        let path = folder.file("github-path")
        _ = try folder.write("github-path", "")
        try FileManager.default.createDirectory(atPath: folder.file("runner-temp"), withIntermediateDirectories: true)
        let result = try ProcessRunner.run(
            "/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            environment: [
                "PATH": "/usr/bin:/bin", "GITHUB_ACTION_PATH": action, "GITHUB_PATH": path,
                "RUNNER_TEMP": folder.file("runner-temp"), "ENDPOINT_DRIFT_RELEASE_URL": url,
            ], currentDirectory: folder.path)
        return (result, try folder.read("github-path"))
    }

    @Test func theReleaseTarballWithTheCommittedChecksumIsInstalled() throws {
        let (folder, action, url) = try fixture()
        let (result, added) = try install(folder, action: action, url: url)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("(test tarball)"))
        let binary = added.trimmingCharacters(in: .newlines) + "/endpoint-drift"
        #expect(FileManager.default.isExecutableFile(atPath: binary), "\(added)")
    }

    @Test func aTarballWithAnotherChecksumIsRefused() throws {
        let (folder, action, url) = try fixture(tamper: true)
        let (result, added) = try install(folder, action: action, url: url)
        #expect(result.status != 0)
        #expect(result.stdout.contains("does not have the sha256 committed with the action"), "\(result.stdout)")
        #expect(added.isEmpty)
    }

    @Test func aVersionWithoutACommittedChecksumAsksForASourceBuild() throws {
        let (folder, action, url) = try fixture(sums: "")
        let (result, added) = try install(folder, action: action, url: url)
        #expect(result.status != 0)
        #expect(result.stdout.contains("set build-from-source: true"), "\(result.stdout)")
        #expect(added.isEmpty)
    }

    /// The source build's steps run only when asked, and its cache is saved even when a step fails.
    @Test func theSourceBuildRunsOnlyWhenAsked() throws {
        let action = try github.mapping("action.yml")
        #expect(action["inputs"]?.mapping?["build-from-source"]?.mapping?["default"]?.scalar?.value == "false")
        let steps = action["runs"]?.mapping?["steps"]?.sequence?.items.compactMap(\.mapping) ?? []
        let conditions = steps.map { $0["if"]?.scalar?.value ?? "" }
        for name in ["Install libgit2 and libyaml", "Cache key", "Restore the build", "Build endpoint-drift"] {
            let step = try github.step(action["runs"]?.mapping?["steps"], name: name)
            #expect(step["if"]?.scalar?.value == "inputs.build-from-source == 'true'", "\(name)")
        }
        let save = try github.step(action["runs"]?.mapping?["steps"], name: "Save the build")
        #expect(
            save["if"]?.scalar?.value
                == "always() && inputs.build-from-source == 'true' && steps.cache.outputs.cache-hit != 'true'")
        let run = try github.step(action["runs"]?.mapping?["steps"], id: "run")
        #expect(run["if"] == nil, "the run step runs either way")
        // The scan cache is saved after the run, even when the check fails the job.
        #expect(conditions.last == "always() && inputs.cache == 'true'")
    }
}
