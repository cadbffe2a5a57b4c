import Foundation
import TestSupport
import Testing

@Suite struct ScanCommandTests {
    static let endpoints = """
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: db
          namespace: shop
        subsets:
          - addresses:
              - ip: 10.0.0.1
            ports:
              - port: 5432
        """

    @Test func printsTheInventoryAndExitsZero() throws {
        let repo = try TempGitRepository()
        try repo.write("shop/db.yaml", Self.endpoints)
        try repo.commitAll()
        let result = try EndpointDriftBinary.run(["scan", "--repo", repo.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 service in 1 namespace, 1 backend"))
        #expect(result.stdout.contains("shop/db  Endpoints"))
        #expect(result.stdout.contains("10.0.0.1:5432/TCP"))
        #expect(result.stdout.contains("Endpoints db  shop/db.yaml:1"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when not a terminal")
    }

    @Test func jsonIsStableAndCarriesSources() throws {
        let repo = try TempGitRepository()
        try repo.write("shop/db.yaml", Self.endpoints)
        let commit = try repo.commitAll()
        let first = try EndpointDriftBinary.run(["scan", "--repo", repo.path, "-o", "json"])
        let second = try EndpointDriftBinary.run(["scan", "--repo", repo.path, "--output", "json"])
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let document = try #require(try JSONSerialization.jsonObject(with: first.stdoutData) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        let services = try #require(document["services"] as? [[String: Any]])
        #expect(services.first?["name"] as? String == "db")
        let backends = try #require(services.first?["backends"] as? [[String: Any]])
        #expect(backends.first?["address"] as? String == "10.0.0.1")
        #expect(backends.first?["port"] as? Int == 5432)
        #expect(backends.first?["protocol"] as? String == "TCP")
        #expect(backends.first?["portName"] as? String == "")
        #expect(backends.first?["ready"] as? Bool == true)
        let sources = try #require(services.first?["sources"] as? [[String: Any]])
        #expect(sources.first?["path"] as? String == "shop/db.yaml")
        #expect(sources.first?["line"] as? Int == 1)
        let source = try #require(document["source"] as? [String: Any])
        #expect(source["commit"] as? String == commit)
    }

    @Test func yamlAndFileOutputs() throws {
        let repo = try TempGitRepository()
        try repo.write("shop/db.yaml", Self.endpoints)
        try repo.commitAll()
        let reportPath = repo.path + "/../report-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: reportPath) }
        let result = try EndpointDriftBinary.run([
            "scan", "--repo", repo.path, "-o", "yaml", "-o", "json=\(reportPath)",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("schemaVersion: 1\n"))
        #expect(result.stdout.contains("- address: 10.0.0.1\n"))
        let written = try String(contentsOfFile: reportPath, encoding: .utf8)
        #expect(written.hasPrefix("{\n"))
        // The report is not left in the repository's working tree as a side effect.
        #expect(try repo.git(["status", "--porcelain"]).isEmpty)
    }

    @Test func readsOnlyTheCommitNotUncommittedEdits() throws {
        let repo = try TempGitRepository()
        try repo.write("shop/db.yaml", Self.endpoints)
        try repo.commitAll()
        try repo.write("shop/db.yaml", Self.endpoints.replacingOccurrences(of: "10.0.0.1", with: "10.9.9.9"))
        let result = try EndpointDriftBinary.run(["scan", "--repo", repo.path])
        #expect(result.stdout.contains("10.0.0.1"))
        #expect(!result.stdout.contains("10.9.9.9"))
    }

    @Test func badRevisionAndBadFlagsExitTwo() throws {
        let repo = try TempGitRepository()
        try repo.write("shop/db.yaml", Self.endpoints)
        try repo.commitAll()
        let badRef = try EndpointDriftBinary.run(["scan", "--repo", repo.path, "--ref", "nope"])
        #expect(badRef.status == 2)
        #expect(badRef.stderr.contains("unknown revision"))
        #expect(badRef.stdout.isEmpty)
        let badFlag = try EndpointDriftBinary.run(["scan", "--no-such-flag"])
        #expect(badFlag.status == 2)
        let badFormat = try EndpointDriftBinary.run(["scan", "--repo", repo.path, "-o", "xml"])
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr.contains("unknown format"))
        let notARepo = try EndpointDriftBinary.run(["scan", "--repo", "/"])
        #expect(notARepo.status == 2)
        #expect(notARepo.stderr.contains("not a git repository"))
    }

    @Test func brokenFilesExitTwoOnlyWhenNothingCouldBeReadOrStrict() throws {
        let repo = try TempGitRepository()
        try repo.write("shop/db.yaml", Self.endpoints)
        try repo.write("shop/bad.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: [}\n")
        try repo.commitAll()
        let lenient = try EndpointDriftBinary.run(["scan", "--repo", repo.path])
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("shop/bad.yaml:3:"))
        let strict = try EndpointDriftBinary.run(["scan", "--repo", repo.path, "--strict"])
        #expect(strict.status == 2)
        let onlyBroken = try EndpointDriftBinary.run(["scan", "--repo", repo.path, "--path", "shop/bad.yaml"])
        #expect(onlyBroken.status == 2)
    }

    @Test func helpSaysTheWorkingTreeIsNotRead() throws {
        let result = try EndpointDriftBinary.run(["scan", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("never the working tree"))
        #expect(result.stdout.contains("--max-file-size"))
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
