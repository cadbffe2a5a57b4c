import Drift
import Foundation
import Manifests
import Reporting
import TestSupport
import Testing

/// SARIF and JUnit output checked by real validators: the official SARIF 2.1.0 JSON schema with
/// Python's jsonschema, Jenkins' junit-10.xsd with xmllint.
@Suite struct ValidationTests {
    static let reports: [(String, DriftReport)] = [
        ("pull request", Scenario.report()), ("check", Scenario.report(pullRequest: false)),
        ("in sync", Scenario.inSync()), ("lint", Scenario.lint()), ("awkward text", awkward()),
    ]

    /// Characters that need escaping in every format, in paths, names and messages.
    static func awkward() -> DriftReport {
        var report = Scenario.report(pullRequest: false)
        report.findings.append(
            Finding(
                type: .invalidManifest, service: nil,
                source: SourceLocation(
                    path: "apps/weird dir/a&b <c>,d:e%.yaml", line: 2, commitID: Scenario.headCommit),
                message: "bad \"quote\" & <tag> ]]> 100% done\nsecond line \u{1}control | pipe `tick`"))
        report.errors.append(DriftReport.Message(kind: "namespace", message: "namespace x: forbidden & <denied>"))
        return report
    }

    @Test(arguments: reports.map(\.0))
    func sarifMatchesTheOfficialSchema(name: String) throws {
        let report = try #require(Self.reports.first { $0.0 == name }?.1)
        let sarif = SARIFReporter(toolVersion: Scenario.toolVersion).render(report)
        try Validators.validateJSON(sarif, schema: Validators.schemaPath("sarif-schema-2.1.0.json"))
    }

    @Test(arguments: reports.map(\.0))
    func junitMatchesTheJenkinsSchema(name: String) throws {
        let report = try #require(Self.reports.first { $0.0 == name }?.1)
        try Validators.validateXML(JUnitReporter().render(report), schema: Validators.schemaPath("junit-10.xsd"))
    }

    /// The validators are real: a broken document is rejected.
    @Test func validatorsRejectInvalidDocuments() {
        #expect(throws: ValidationFailure.self) {
            try Validators.validateJSON(
                #"{"version": "2.1.0", "runs": [{"tool": {}}]}"#,
                schema: Validators.schemaPath("sarif-schema-2.1.0.json"))
        }
        #expect(throws: ValidationFailure.self) {
            try Validators.validateXML(
                #"<testsuites><testsuite name="x"/></testsuites>"#, schema: Validators.schemaPath("junit-10.xsd"))
        }
    }

    @Test func sarifHasOneRulePerFindingTypeAndResultsAtFileAndLine() throws {
        let sarif = SARIFReporter(toolVersion: Scenario.toolVersion).render(Scenario.report())
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == FindingType.allCases.map(\.rawValue))
        let results = try #require(run["results"] as? [[String: Any]])
        let missing = try #require(
            results.first {
                ($0["ruleId"] as? String) == "missing-backend" && ($0["baselineState"] as? String) == "new"
            })
        let location = try #require(
            (missing["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "apps/shop/orders-db.yaml")
        #expect((location["region"] as? [String: Any])?["startLine"] as? Int == 16)
        let suppressed = results.filter { $0["suppressions"] != nil }
        #expect(suppressed.count == 1)
    }

    /// GitHub rejects a whole SARIF file when one result has no file location (its rule GH1001):
    /// findings git has no file for are notifications instead.
    @Test(arguments: reports.map(\.0))
    func everySARIFResultHasAFileLocation(name: String) throws {
        let report = try #require(Self.reports.first { $0.0 == name }?.1)
        let sarif = SARIFReporter(toolVersion: Scenario.toolVersion).render(report)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        for result in results {
            let locations = try #require(result["locations"] as? [[String: Any]])
            #expect(!locations.isEmpty)
            for location in locations {
                let uri = ((location["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?[
                    "uri"]
                #expect(uri is String, "\(result)")
            }
        }
        let unlocated = report.findings.filter { $0.source == nil && !$0.isIgnored }
        let notifications =
            ((run["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"] as? [Any]) ?? []
        #expect(results.count == report.findings.count - report.findings.filter { $0.source == nil }.count)
        #expect(notifications.count == unlocated.count + report.errors.count)
    }

    @Test func sarifPathsArePercentEncoded() throws {
        let sarif = SARIFReporter(toolVersion: "1").render(Self.awkward())
        #expect(sarif.contains("apps/weird%20dir/a%26b%20%3Cc%3E%2Cd%3Ae%25.yaml"))
    }
}
