import EndpointDriftKit
import Foundation
import Remediation
import TestSupport
import Testing

/// `--commit`, `--patch`, `--format-patch` against real repositories, cross-checked with the git CLI.
@Suite struct FixCommitTests {
    @Test func commitLeavesWorkingTreeIndexAndHeadAlone() async throws {
        let repository = try FixFixture.repository()
        let head = try repository.git(["rev-parse", "HEAD"])
        _ = try repository.git(["status", "--porcelain"])  // let git refresh the index before we capture it
        let index = try Data(contentsOf: URL(fileURLWithPath: repository.path + "/.git/index"))
        let staged = try repository.git(["ls-files", "-s"])
        let headFile = try String(contentsOfFile: repository.path + "/.git/HEAD", encoding: .utf8)
        var configuration = FixFixture.configuration(repository)
        configuration.commit = true
        let (report, _) = try await FixJob.execute(configuration)

        #expect(report.status == .ok)
        let branch = try #require(report.commit?.branch)
        #expect(branch == "endpoint-drift/fix-\(head.prefix(7))")
        #expect(try Data(contentsOf: URL(fileURLWithPath: repository.path + "/.git/index")) == index)
        #expect(try String(contentsOfFile: repository.path + "/.git/HEAD", encoding: .utf8) == headFile)
        #expect(try repository.git(["rev-parse", "HEAD"]) == head)
        #expect(try repository.git(["ls-files", "-s"]) == staged)
        #expect(try repository.git(["status", "--porcelain", "--untracked-files=all"]) == "")
        try repository.git(["fsck", "--strict", "--no-dangling"])
        #expect(try repository.git(["rev-parse", "\(branch)^"]) == head)
        #expect(try repository.git(["rev-parse", branch]) == report.commit?.id)
        let changed = try repository.git(["diff", "--name-only", head, branch]).split(separator: "\n").map(String.init)
        #expect(Set(changed) == Set(FixFixture.paths))

        let message = try repository.git(["log", "-1", "--format=%B", branch])
        #expect(message.hasPrefix("endpoint-drift: sync 3 services with the cluster\n\n"))
        #expect(message.contains("db/postgres:\n  - 10.0.0.2:5432/TCP (pg): in git, not in the cluster"))
        #expect(message.contains("  + 10.0.0.3:5432/TCP (pg): in the cluster, not in git"))
        #expect(message.contains("storage/rgw:"))
        #expect(message.contains("Live state observed at 2025-01-02T03:04:05Z from test cluster."))
        #expect(try repository.git(["log", "-1", "--format=%at %ct", branch]) == "1700000000 1700000100")
        #expect(try repository.git(["log", "-1", "--format=%an <%ae>", branch]) == "Test Author <test@example.com>")

        // The committed files are exactly what `--out` would write, and they re-scan clean.
        let postgres = try repository.git(["show", "\(branch):\(FixFixture.paths[0])"])
        #expect(!postgres.contains("10.0.0.2"))
        #expect(postgres.contains("# primary\n      - ip: 10.0.0.1\n      - ip: 10.0.0.3"))
    }

    @Test func formatPatchIsAcceptedByGitAmAndReproducesTheTree() async throws {
        let repository = try FixFixture.repository()
        let mbox = FixFixture.temporaryPath("fix.mbox")
        defer { try? FileManager.default.removeItem(atPath: mbox) }
        var configuration = FixFixture.configuration(repository)
        configuration.commit = true
        configuration.formatPatchFile = mbox
        let (report, _) = try await FixJob.execute(configuration)
        let branch = try #require(report.commit?.branch)
        let text = try String(contentsOfFile: mbox, encoding: .utf8)
        #expect(text.hasPrefix("From \(report.commit?.id ?? "") Mon Sep 17 00:00:00 2001\n"))
        #expect(text.contains("Subject: [PATCH] endpoint-drift: sync 3 services with the cluster"))

        let clone = FixFixture.temporaryPath("clone")
        defer { try? FileManager.default.removeItem(atPath: clone) }
        try TempGitRepository.run("/usr/bin/env", ["git", "clone", "-q", repository.path, clone])
        try TempGitRepository.run(
            "/usr/bin/env", ["git", "-C", clone, "-c", "user.name=Am", "-c", "user.email=am@example.com", "am", mbox])
        let appliedTree = try TempGitRepository.run("/usr/bin/env", ["git", "-C", clone, "rev-parse", "HEAD^{tree}"])
        #expect(appliedTree == (try repository.git(["rev-parse", "\(branch)^{tree}"])))
        let subject = try TempGitRepository.run("/usr/bin/env", ["git", "-C", clone, "log", "-1", "--format=%s"])
        #expect(subject == "endpoint-drift: sync 3 services with the cluster")
    }

    @Test func formatPatchWithoutCommitWritesNoObjects() async throws {
        let repository = try FixFixture.repository()
        let before = FolderState(repository.path + "/.git")
        var configuration = FixFixture.configuration(repository)
        configuration.formatPatchFile = "-"
        let (report, streams) = try await FixJob.execute(configuration)
        #expect(report.commit?.branch == nil)
        #expect(streams.mbox?.contains("Subject: [PATCH]") == true)
        #expect(FolderState(repository.path + "/.git") == before)
    }

    @Test func patchIsAcceptedByGitApply() async throws {
        let repository = try FixFixture.repository()
        let patch = FixFixture.temporaryPath("fix.patch")
        defer { try? FileManager.default.removeItem(atPath: patch) }
        let before = FolderState(repository.path)
        var configuration = FixFixture.configuration(repository)
        configuration.patchFile = patch
        let (report, _) = try await FixJob.execute(configuration)
        #expect(report.status == .ok)
        // Writing a patch touches neither the working tree nor .git.
        #expect(FolderState(repository.path) == before)
        let text = try String(contentsOfFile: patch, encoding: .utf8)
        #expect(text.hasPrefix("diff --git a/clusters/prod/auth/ldap.json b/clusters/prod/auth/ldap.json\nindex "))
        try repository.git(["apply", "--check", patch])
        try repository.git(["apply", patch])
        // The patched files are the fix: running again finds nothing to do.
        try repository.commitAll("apply the fix")
        let (again, _) = try await FixJob.execute(FixFixture.configuration(repository))
        #expect(again.services.isEmpty)
        #expect(again.status == .ok)
    }

    @Test func existingBranchIsNotMovedWithoutForce() async throws {
        let repository = try FixFixture.repository()
        var configuration = FixFixture.configuration(repository)
        configuration.commit = true
        configuration.branch = "fixes/endpoints"
        try repository.git(["branch", "fixes/endpoints"])
        let target = try repository.git(["rev-parse", "fixes/endpoints"])
        await #expect(throws: RunError.self) { try await FixJob.execute(configuration) }
        #expect(try repository.git(["rev-parse", "fixes/endpoints"]) == target)

        configuration.force = true
        let (report, _) = try await FixJob.execute(configuration)
        #expect(try repository.git(["rev-parse", "fixes/endpoints"]) == report.commit?.id)
    }

    @Test func theCheckedOutBranchIsNeverMoved() async throws {
        let repository = try FixFixture.repository()
        let head = try repository.git(["rev-parse", "HEAD"])
        let before = FolderState(repository.path)
        var configuration = FixFixture.configuration(repository)
        configuration.commit = true
        configuration.branch = "main"
        configuration.force = true
        await #expect(throws: RunError.self) { try await FixJob.execute(configuration) }
        // The pack written before the branch step was taken out again.
        #expect(FolderState(repository.path) == before)
        #expect(try repository.git(["rev-parse", "main"]) == head)
        #expect(try repository.git(["status", "--porcelain"]) == "")
    }

    @Test func authorComesFromTheFlagThenTheEnvironmentThenTheConfig() async throws {
        let repository = try FixFixture.repository()
        var configuration = FixFixture.configuration(repository)
        configuration.commit = true
        configuration.branch = "by-flag"
        configuration.author = "Fix Bot <bot@example.com>"
        _ = try await FixJob.execute(configuration)
        #expect(
            try repository.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>", "by-flag"])
                == "Fix Bot <bot@example.com>|Fix Bot <bot@example.com>")

        configuration.branch = "by-environment"
        configuration.author = nil
        configuration.environment["GIT_AUTHOR_NAME"] = "Ada"
        configuration.environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
        configuration.environment["GIT_COMMITTER_NAME"] = "Cron"
        configuration.environment["GIT_COMMITTER_EMAIL"] = "cron@example.com"
        _ = try await FixJob.execute(configuration)
        #expect(
            try repository.git(["log", "-1", "--format=%an <%ae>|%cn <%ce>", "by-environment"])
                == "Ada <ada@example.com>|Cron <cron@example.com>")

        configuration.author = "not an identity"
        configuration.branch = "bad"
        await #expect(throws: RunError.self) { try await FixJob.execute(configuration) }
        #expect(throws: ProcessFailure.self) { try repository.git(["rev-parse", "--verify", "-q", "bad"]) }
    }
}
