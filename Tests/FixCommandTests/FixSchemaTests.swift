import Foundation
import TestSupport
import Testing

/// `fix -o json` from the built binary holds for the published schema (docs/schemas/fix-report.schema.json)
/// on a repository that drifts: a dry run, `--patch`, `--commit`, remaining drift (exit 1) and `--to git`.
@Suite struct FixSchemaTests {
    static let schema = Validators.packageRoot + "/docs/schemas/fix-report.schema.json"

    func fixJSON(_ arguments: [String], live: String = FixFixture.live, status: Int32 = 0) throws -> [String: Any] {
        let repository = try FixFixture.repository()
        let result = try FixBinaryTests.run(
            ["fix", "--repo", repository.path, "--live-file", "-", "-o", "json"] + arguments, input: live,
            in: repository.path)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        try Validators.validateJSON(result.stdout, schema: Self.schema)
        return try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    @Test func dryRunMatchesTheSchema() throws {
        let json = try fixJSON([])
        #expect(json["dryRun"] as? Bool == true)
        #expect((json["edits"] as? [Any])?.isEmpty == false)
        let services = try #require(json["services"] as? [[String: Any]])
        let changes = services.flatMap { $0["changes"] as? [[String: Any]] ?? [] }
        #expect(changes.contains { $0["change"] as? String == "only-live" })
        #expect(changes.contains { $0["change"] as? String == "only-git" })
    }

    @Test func patchCommitAndRemainingDriftMatchTheSchema() throws {
        let patch = FixFixture.temporaryPath("schema.patch")
        defer { try? FileManager.default.removeItem(atPath: patch) }
        let patched = try fixJSON(["--patch", patch])
        #expect((patched["outputs"] as? [String: Any])?["patch"] as? String == patch)
        #expect(FileManager.default.fileExists(atPath: patch))

        let committed = try fixJSON(["--commit"])
        #expect(((committed["outputs"] as? [String: Any])?["commit"] as? [String: Any])?["branch"] is String)

        let partial = FixFixture.live.components(
            separatedBy: "- apiVersion: v1\n  kind: Endpoints\n  metadata: {name: ldap")[0]
        let remaining = try fixJSON([], live: partial, status: 1)
        #expect((remaining["services"] as? [[String: Any]])?.contains { $0["status"] as? String == "unfixed" } == true)

        let out = FixFixture.temporaryPath("apply")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let toGit = try fixJSON(["--to", "git", "--out", out])
        #expect(toGit["direction"] as? String == "git")
        #expect((toGit["outputs"] as? [String: Any])?["apply"] is [Any])
    }

    /// The schema is strict enough to catch a renamed member or an unknown status.
    @Test func theSchemaRejectsAnUnknownStatus() throws {
        var json = try fixJSON([])
        var services = try #require(json["services"] as? [[String: Any]])
        services[0]["status"] = "done"
        json["services"] = services
        let broken = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        #expect(throws: ValidationFailure.self) { try Validators.validateJSON(broken, schema: Self.schema) }
    }
}
