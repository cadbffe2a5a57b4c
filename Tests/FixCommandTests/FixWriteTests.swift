import EndpointDriftKit
import Foundation
import Remediation
import TestSupport
import Testing

/// `--write`, `--out`, and what a failed run leaves behind (nothing).
@Suite struct FixWriteTests {
    struct Injected: Error, CustomStringConvertible {
        var description: String { "injected fault" }
    }

    @Test func writeEditsTheWorkingTreeOnly() async throws {
        let repository = try FixFixture.repository()
        let head = try repository.git(["rev-parse", "HEAD"])
        var configuration = FixFixture.configuration(repository)
        configuration.write = true
        let (report, _) = try await FixJob.execute(configuration)
        #expect(report.status == .ok)
        #expect(Set(report.written) == Set(FixFixture.paths))
        let changed = try repository.git(["diff", "--name-only"])
        #expect(Set(changed.split(separator: "\n").map(String.init)) == Set(FixFixture.paths))
        #expect(try repository.git(["rev-parse", "HEAD"]) == head)
        #expect(try repository.git(["diff", "--cached", "--name-only"]) == "")
        let postgres = try repository.read(FixFixture.paths[0])
        #expect(postgres.contains("# Postgres outside the cluster\n"))
        #expect(postgres.contains("      # primary\n      - ip: 10.0.0.1\n      - ip: 10.0.0.3\n    ports:"))
        #expect(!postgres.contains("retired replica"))
        // Nothing but the three files moved (no temporary or backup files).
        let untracked = try repository.git(["status", "--porcelain", "--untracked-files=all", "--ignored"])
        #expect(!untracked.contains("??") && !untracked.contains("!!"))
    }

    @Test func writeRefusesFilesThatDifferFromTheCommitUnlessForced() async throws {
        let repository = try FixFixture.repository()
        let local = FixFixture.postgres.replacingOccurrences(of: "# primary", with: "# primary (local edit)")
        try repository.write(FixFixture.paths[0], local)
        var configuration = FixFixture.configuration(repository)
        configuration.write = true
        do {
            _ = try await FixJob.execute(configuration)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.operation == "--write")
            #expect(error.subject == FixFixture.paths[0])
            #expect(error.message.contains("differs from HEAD"))
        }
        #expect(try repository.read(FixFixture.paths[0]) == local)
        #expect(try repository.read(FixFixture.paths[1]) == FixFixture.gateways)

        configuration.force = true
        _ = try await FixJob.execute(configuration)
        let fixed = try repository.read(FixFixture.paths[0])
        #expect(fixed.contains("10.0.0.3") && !fixed.contains("local edit"))
    }

    @Test func outWritesCorrectedFilesAtTheirRepositoryPaths() async throws {
        let repository = try FixFixture.repository()
        let out = FixFixture.temporaryPath("out")
        defer { try? FileManager.default.removeItem(atPath: out) }
        var configuration = FixFixture.configuration(repository)
        configuration.outDirectory = out
        let (report, _) = try await FixJob.execute(configuration)
        #expect(report.status == .ok)
        for path in FixFixture.paths {
            let written = try String(contentsOfFile: out + "/" + path, encoding: .utf8)
            #expect(written == String(decoding: report.files.first { $0.path == path }?.edited ?? [], as: UTF8.self))
        }
        #expect(try repository.git(["status", "--porcelain"]) == "")
    }

    /// A fault in the middle of a multi-file fix: no partial files, the repository exactly as it was.
    @Test(arguments: [
        FixFault.beforeCommittingFile(index: 0, path: ""), FixFault.beforeCommittingFile(index: 4, path: ""),
        FixFault.beforeCommittingFile(index: 8, path: ""), FixFault.beforePublishingObjects,
        FixFault.beforeCreatingBranch,
    ])
    func aFailedRunLeavesNothingBehind(fault: FixFault) async throws {
        let repository = try FixFixture.repository()
        let scratch = FixFixture.temporaryPath("outputs")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        _ = try repository.git(["status", "--porcelain"])
        let repositoryBefore = FolderState(repository.path)
        let scratchBefore = FolderState(scratch)
        var configuration = FixFixture.configuration(repository)
        configuration.write = true
        configuration.commit = true
        configuration.outDirectory = scratch + "/out"
        configuration.patchFile = scratch + "/fix.patch"
        configuration.formatPatchFile = scratch + "/fix.mbox"
        configuration.outputs = [OutputTarget(format: "json", file: scratch + "/report.json")]
        let reached = LockedFlag()
        configuration.faultHook = { point in
            let hit: Bool
            switch (point, fault) {
            case (.beforeCommittingFile(let index, _), .beforeCommittingFile(let wanted, _)): hit = index == wanted
            default: hit = point == fault
            }
            if hit {
                reached.set()
                throw Injected()
            }
        }
        await #expect(throws: RunError.self) { try await FixJob.execute(configuration) }
        #expect(reached.value, "the fault point was reached")
        #expect(FolderState(repository.path) == repositoryBefore)
        #expect(FolderState(scratch) == scratchBefore)
        #expect(try repository.git(["status", "--porcelain", "--untracked-files=all", "--ignored"]) == "")
        #expect(try repository.git(["branch", "--list", "endpoint-drift/*"]) == "")
        try repository.git(["fsck", "--strict"])

        // The same run without the fault succeeds: the failure was the injected one.
        configuration.faultHook = nil
        let (report, _) = try await FixJob.execute(configuration)
        #expect(report.status == .ok)
        #expect(FileManager.default.fileExists(atPath: scratch + "/out/" + FixFixture.paths[2]))
    }

    @Test func toGitWritesManifestsToApply() async throws {
        let repository = try FixFixture.repository()
        let out = FixFixture.temporaryPath("apply")
        defer { try? FileManager.default.removeItem(atPath: out) }
        var configuration = FixFixture.configuration(repository)
        configuration.direction = .git
        configuration.outDirectory = out
        let (report, _) = try await FixJob.execute(configuration)
        #expect(report.status == .ok)
        #expect(
            Set(report.applyFiles) == [
                "db/endpoints-postgres.yaml", "storage/endpointslice-rgw.yaml", "auth/endpoints-ldap.yaml",
            ])
        let postgres = try String(contentsOfFile: out + "/db/endpoints-postgres.yaml", encoding: .utf8)
        #expect(
            postgres == """
                apiVersion: v1
                kind: Endpoints
                metadata:
                  name: postgres
                  namespace: db
                subsets:
                  - addresses:
                      - ip: 10.0.0.1
                      - ip: 10.0.0.2
                    ports:
                      - name: pg
                        port: 5432
                        protocol: TCP

                """)
        #expect(try repository.git(["status", "--porcelain"]) == "")

        configuration.outDirectory = nil
        let (_, streams) = try await FixJob.execute(configuration)
        #expect(streams.manifests?.components(separatedBy: "\n---\n").count == 3)
    }

    @Test func driftThatCannotBeFixedExitsOne() async throws {
        let repository = try FixFixture.repository()
        // The cluster has no ldap objects at all: only --prune may remove them from git.
        let live = FixFixture.live.components(
            separatedBy: "- apiVersion: v1\n  kind: Endpoints\n  metadata: {name: ldap")[0]
        var configuration = FixFixture.configuration(repository, live: live)
        configuration.commit = true
        let (report, _) = try await FixJob.execute(configuration)
        #expect(report.status == .findings)
        let ldap = try #require(report.services.first { $0.service.name == "ldap" })
        #expect(ldap.status == .unfixed)
        #expect(ldap.reasons.first?.contains("--prune") == true)
        #expect(report.services.filter { $0.status == .fixed }.count == 2)

        configuration.prune = true
        configuration.branch = "pruned"
        let (pruned, _) = try await FixJob.execute(configuration)
        #expect(pruned.status == .ok)
        #expect(pruned.files.first { $0.path == FixFixture.paths[2] }?.edited == nil)
        #expect(try repository.git(["ls-tree", "-r", "--name-only", "pruned"]).contains("ldap.json") == false)
    }
}

/// A flag a `@Sendable` closure can set.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}
