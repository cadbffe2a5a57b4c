import Foundation
import GitStore
import TestSupport
import Testing

@Suite struct ObjectStageTests {
    static func repository() throws -> TempGitRepository {
        let repository = try TempGitRepository()
        try repository.write("a/one.yaml", "one\n")
        try repository.write("a/two.yaml", "two\n")
        try repository.write("run.sh", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repository.path + "/run.sh")
        try repository.commitAll("base")
        return repository
    }

    @Test func buildsTreeAndCommitInMemoryUntilPublished() throws {
        let fixture = try Self.repository()
        let objectsBefore = try fixture.git(["count-objects", "-v"])
        let repository = try Repository.discover(from: fixture.path)
        let base = try repository.commit("HEAD")
        let stage = try ObjectStage(gitDirectory: repository.gitDirectory)
        let blob = try stage.writeBlob(Array("ONE\n".utf8))
        let added = try stage.writeBlob(Array("new\n".utf8))
        let tree = try stage.writeTree(
            base: base.treeID,
            changes: [
                .write(path: "a/one.yaml", blob: blob, executable: false), .remove(path: "a/two.yaml"),
                .write(path: "b/three.yaml", blob: added, executable: false),
            ])
        let author = Signature(name: "A U Thor", email: "a@example.com", time: 1_700_000_000, offsetMinutes: 60)
        let commit = try stage.writeCommit(
            tree: tree, parents: [base.id], author: author, committer: author, message: "change\n\nbody\n")
        // Nothing on disk yet: git cannot see the commit.
        #expect(try fixture.git(["count-objects", "-v"]) == objectsBefore)
        #expect(throws: ProcessFailure.self) { try fixture.git(["cat-file", "-e", commit.hex]) }

        let diff = try stage.diff(from: base.treeID, to: tree)
        #expect(diff.contains("diff --git a/a/one.yaml b/a/one.yaml\nindex "))
        #expect(diff.contains("deleted file mode 100644"))
        #expect(diff.contains("new file mode 100644"))
        let mbox = try stage.emailPatch(commit: commit)
        #expect(mbox.hasPrefix("From \(commit.hex) Mon Sep 17 00:00:00 2001\nFrom: A U Thor <a@example.com>\n"))
        #expect(mbox.contains("Subject: [PATCH] change\n"))

        let pack = try #require(try stage.publish())
        #expect(pack.paths.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        try fixture.git(["cat-file", "-e", commit.hex])
        #expect(try fixture.git(["log", "-1", "--format=%an %at %s", commit.hex]) == "A U Thor 1700000000 change")
        #expect(try fixture.git(["ls-tree", "-r", "--name-only", commit.hex]) == "a/one.yaml\nb/three.yaml\nrun.sh")
        // The executable bit of an untouched file survives.
        #expect(try fixture.git(["ls-tree", commit.hex, "run.sh"]).hasPrefix("100755"))
        try fixture.git(["fsck", "--strict"])
    }

    @Test func branchesAreCreatedButNeverMovedSilently() throws {
        let fixture = try Self.repository()
        let repository = try Repository.discover(from: fixture.path)
        let head = try repository.commit("HEAD")
        #expect(try repository.createBranch("topic", at: head.id, force: false) == nil)
        #expect(try repository.branchTarget("topic") == head.id)
        #expect(throws: GitError.self) { try repository.createBranch("topic", at: head.id, force: false) }
        #expect(try repository.createBranch("topic", at: head.id, force: true) == head.id)
        #expect(throws: GitError.self) { try repository.createBranch("main", at: head.id, force: true) }
        #expect(throws: GitError.self) { try repository.createBranch("bad..name", at: head.id, force: false) }
        try repository.deleteBranch("topic")
        #expect(try repository.branchTarget("topic") == nil)
        #expect(repository.currentBranch() == "main")
    }

    @Test func workingTreeBlobIDMatchesGitHashObject() throws {
        let fixture = try Self.repository()
        let repository = try Repository.discover(from: fixture.path)
        let committed = try #require(
            try repository.entry(at: "a/one.yaml", inTree: try repository.commit("HEAD").treeID))
        #expect(try repository.workingTreeBlobID("a/one.yaml") == committed.id)
        try fixture.write("a/one.yaml", "changed\n")
        #expect(
            try repository.workingTreeBlobID("a/one.yaml")?.hex == (try fixture.git(["hash-object", "a/one.yaml"])))
        #expect(try repository.workingTreeBlobID("missing.yaml") == nil)
    }

    @Test func parsesIdentitiesAndGitDates() {
        #expect(Signature.parseIdentity("Fix Bot <bot@example.com>")! == ("Fix Bot", "bot@example.com"))
        #expect(Signature.parseIdentity("no email") == nil)
        #expect(Signature.parseIdentity("<only@example.com>") == nil)
        #expect(Signature.parseGitDate("@1700000000 +0130")! == (1_700_000_000, 90))
        #expect(Signature.parseGitDate("1700000000 -0500")! == (1_700_000_000, -300))
        #expect(Signature.parseGitDate("1700000000")! == (1_700_000_000, 0))
        #expect(Signature.parseGitDate("yesterday") == nil)
    }
}
