import Foundation
import TestSupport
import Testing

/// A CI job must not pass because of a typo or an unfetched history: each of these exits 2 or says
/// what was not read.
@Suite struct NoSilentPassTests {
    let service = DriftFixtures.service("orders-db")
    var manifest: String {
        DriftFixtures.documents(
            service,
            DriftFixtures.endpoints("orders-db", subsets: "- addresses: [{ip: 10.0.0.1}]\n  ports: [{port: 5432}]"))
    }

    func repository() throws -> TempGitRepository {
        let repository = try TempGitRepository()
        try repository.write("clusters/prod/db.yaml", manifest)
        try repository.write("clusters/stg/db.yaml", manifest.replacingOccurrences(of: "orders-db", with: "cache"))
        try repository.write("docs/README.md", "# docs\n")
        try repository.commitAll("manifests")
        return repository
    }

    @Test func mistypedPathExitsTwoNamingTheNearestPaths() throws {
        let repository = try repository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        let live = try runner.write("live.yaml", manifest)
        for command in [["check", "--live-file", live], ["lint"], ["scan"]] {
            let output = try runner.run(command + ["--repo", repository.path, "--path", "clusters/prd"])
            #expect(output.status == 2, "\(command): \(output.stdout)\(output.stderr)")
            #expect(output.stderr.contains("--path clusters/prd"), "\(output.stderr)")
            #expect(output.stderr.contains("nearest existing paths: clusters/prod"), "\(output.stderr)")
            #expect(!output.stdout.contains("PASS"))
        }
        // A folder without manifests selects nothing either.
        let docs = try runner.run(["lint", "--repo", repository.path, "--path", "docs"])
        #expect(docs.status == 2)
        #expect(docs.stderr.contains("selects none of the 1 file under docs"), "\(docs.stderr)")
        let include = try runner.run(["lint", "--repo", repository.path, "--include", "*.yml"])
        #expect(include.status == 2)
        #expect(include.stderr.contains("--include *.yml"), "\(include.stderr)")
        #expect(include.stderr.contains("clusters/prod/db.yaml"), "\(include.stderr)")
        // The right path still works.
        #expect(try runner.run(["lint", "--repo", repository.path, "--path", "clusters/prod"]).status == 0)
    }

    @Test func uncommittedChangesInScannedPathsAreOneLine() throws {
        let repository = try repository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        let clean = try runner.run(["lint", "--repo", repository.path, "--path", "clusters"])
        #expect(clean.status == 0)
        #expect(!clean.stderr.contains("uncommitted"))

        // One edited, one deleted, one new; a change outside the scanned paths and an ignored file do not count.
        try repository.write("clusters/prod/db.yaml", manifest.replacingOccurrences(of: "10.0.0.1", with: "10.0.0.2"))
        try FileManager.default.removeItem(atPath: repository.path + "/clusters/stg/db.yaml")
        try repository.write("clusters/prod/new.yaml", manifest)
        try repository.write("docs/other.yaml", manifest)
        try repository.write(".gitignore", "*.tmp.yaml\n")
        try repository.write("clusters/prod/scratch.tmp.yaml", manifest)
        let dirty = try runner.run(["lint", "--repo", repository.path, "--path", "clusters"])
        #expect(dirty.status == 0)
        let lines = dirty.stderr.split(separator: "\n").filter { $0.contains("uncommitted") }
        #expect(
            lines == [
                "endpoint-drift: note: 3 files under clusters/ have uncommitted changes; endpoint-drift reads commits only"
            ], "\(dirty.stderr)")
        // The report is still the commit's.
        #expect(dirty.stdout.contains("PASS 2 services"), "\(dirty.stdout)")
    }

    @Test func unknownBaseInAShallowCloneNamesTheFix() throws {
        let origin = try repository()
        let first = try origin.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try origin.write("clusters/prod/other.yaml", manifest)
        try origin.commitAll("second")
        let runner = try CommandRunner()
        defer { runner.remove() }
        let clone = runner.scratch + "/clone"
        _ = try TempGitRepository.run(
            "/usr/bin/env", ["git", "clone", "-q", "--depth", "1", "file://" + origin.path, clone])
        let output = try runner.run(["lint", "--repo", clone, "--base", first])
        #expect(output.status == 2)
        #expect(output.stderr.contains("shallow clone"), "\(output.stderr)")
        #expect(output.stderr.contains("git fetch --unshallow"))
        #expect(output.stderr.contains("fetch-depth: 0"))
        // Not shallow: no such hint.
        let plain = try runner.run(["lint", "--repo", origin.path, "--base", "nope"])
        #expect(plain.status == 2)
        #expect(!plain.stderr.contains("shallow"))
    }

    @Test func emptyPushgatewayAndWebhookMeanNotSet() throws {
        let repository = try repository()
        let runner = try CommandRunner()
        defer { runner.remove() }
        let live = try runner.write("live.yaml", manifest)
        let output = try runner.run([
            "check", "--repo", repository.path, "--path", "clusters/prod", "--live-file", live, "--pushgateway", "",
            "--webhook", "",
        ])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
    }
}
