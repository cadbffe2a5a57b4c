import Foundation
import TestSupport
import Testing

/// The built `endpoint-drift` binary, end to end, with `--live-file`: exact exit codes and outputs.
@Suite struct FixBinaryTests {
    static func run(
        _ arguments: [String], input: String? = nil, in folder: String? = nil
    ) throws -> ProcessRunner.Result {
        try EndpointDriftBinary.run(
            arguments,
            environment: [
                "NO_COLOR": "1", "GIT_AUTHOR_DATE": "@1700000000 +0000", "GIT_COMMITTER_DATE": "@1700000000 +0000",
            ],
            input: input.map { Data($0.utf8) }, currentDirectory: folder)
    }

    static func liveFile() throws -> String {
        let path = FixFixture.temporaryPath("live.yaml")
        try Data(FixFixture.live.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func dryRunShowsTheEditsAndWritesNothing() throws {
        let repository = try FixFixture.repository()
        let live = try Self.liveFile()
        defer { try? FileManager.default.removeItem(atPath: live) }
        let before = FolderState(repository.path)
        let result = try Self.run(["fix", "--repo", repository.path, "--live-file", live])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "db/postgres: can be fixed\n  - 10.0.0.2:5432/TCP (pg): in git, not in the cluster\n  + 10.0.0.3:5432/TCP (pg): in the cluster, not in git"
            ))
        #expect(
            result.stdout.contains("    -      # retired replica\n    -      - ip: 10.0.0.2\n    +      - ip: 10.0.0.3")
        )
        #expect(result.stdout.contains("Nothing written: add --write"))
        #expect(FolderState(repository.path) == before)
    }

    @Test func commitWithJSONOutputFromStdin() throws {
        let repository = try FixFixture.repository()
        let head = try repository.git(["rev-parse", "HEAD"])
        let result = try Self.run(
            ["fix", "--repo", repository.path, "--live-file", "-", "--commit", "-o", "json"], input: FixFixture.live)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let branch = "endpoint-drift/fix-\(head.prefix(7))"
        #expect(json["exitCode"] as? Int == 0)
        #expect(json["next"] as? [String] == ["git push origin \(branch)"])
        let outputs = try #require(json["outputs"] as? [String: Any])
        let commit = try #require(outputs["commit"] as? [String: Any])
        #expect(commit["branch"] as? String == branch)
        #expect(commit["parent"] as? String == head)
        let edits = try #require(json["edits"] as? [[String: Any]])
        let postgres = try #require(edits.first { $0["file"] as? String == FixFixture.paths[0] })
        #expect(postgres["startLine"] as? Int == 11)
        #expect(postgres["endLine"] as? Int == 12)
        #expect(postgres["before"] as? String == "      # retired replica\n      - ip: 10.0.0.2\n")
        #expect(postgres["after"] as? String == "      - ip: 10.0.0.3\n")
        let services = try #require(json["services"] as? [[String: Any]])
        #expect(services.map { $0["status"] as? String } == ["fixed", "fixed", "fixed"])
        #expect(try repository.git(["rev-parse", branch]) == commit["id"] as? String)
        #expect(try repository.git(["status", "--porcelain"]) == "")
    }

    @Test func patchToStdoutIsAcceptedByGitApply() throws {
        let repository = try FixFixture.repository()
        let live = try Self.liveFile()
        defer { try? FileManager.default.removeItem(atPath: live) }
        let result = try Self.run(["fix", "--repo", repository.path, "--live-file", live, "--patch", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("diff --git "))
        #expect(result.stderr.contains("Wrote the patch to stdout"))
        try TempGitRepository.run(
            "/usr/bin/env", ["git", "-C", repository.path, "apply", "--check", "-"], input: result.stdoutData)
    }

    @Test func remainingDriftExitsOneAndBadInvocationsExitTwo() throws {
        let repository = try FixFixture.repository()
        let partial = FixFixture.temporaryPath("partial.yaml")
        defer { try? FileManager.default.removeItem(atPath: partial) }
        try Data(
            FixFixture.live.components(separatedBy: "- apiVersion: v1\n  kind: Endpoints\n  metadata: {name: ldap")[0]
                .utf8
        )
        .write(to: URL(fileURLWithPath: partial))
        let remaining = try Self.run(["fix", "--repo", repository.path, "--live-file", partial])
        #expect(remaining.status == 1)
        #expect(
            remaining.stdout.contains(
                "auth/ldap: needs a person\n  - 10.2.0.1:636/TCP (ldaps): in git, not in the cluster\n  ! Endpoints/auth/ldap does not exist in the cluster; --prune removes it from git"
            ))
        #expect(remaining.stdout.contains("2 of 3 services can be fixed; drift remains in 1 (exit 1)."))

        let missing = try Self.run(["fix", "--repo", repository.path, "--live-file", "/nonexistent/live.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("endpoint-drift: error: read /nonexistent/live.json"))

        let conflicting = try Self.run([
            "fix", "--repo", repository.path, "--live-file", partial, "--to", "git", "--commit",
        ])
        #expect(conflicting.status == 2)
        #expect(conflicting.stderr.contains("--commit edits git"))

        let noLive = try Self.run(["fix", "--repo", repository.path])
        #expect(noLive.status == 2)
    }

    @Test func nothingToFixExitsZero() throws {
        let repository = try FixFixture.repository()
        let patch = FixFixture.temporaryPath("fix.patch")
        let first = try Self.run(
            ["fix", "--repo", repository.path, "--live-file", "-", "--write"], input: FixFixture.live)
        #expect(first.status == 0)
        try repository.commitAll("fixed")
        let report = FixFixture.temporaryPath("report.json")
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try Self.run(
            [
                "fix", "--repo", repository.path, "--live-file", "-", "--patch", patch, "-o", "text", "-o",
                "json=\(report)",
            ],
            input: FixFixture.live)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Nothing to fix"))
        #expect(!FileManager.default.fileExists(atPath: patch))
        // The report file is written even when nothing else is.
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        #expect(json?["exitCode"] as? Int == 0)
        #expect((json?["services"] as? [Any])?.isEmpty == true)
    }
}
