import Drift
import Foundation
import Reporting
import TestSupport
import Testing

/// The published JSON Schemas (docs/schemas) hold for what the reporters write: check and lint
/// reports, with and without pull-request mode, and the multi-cluster envelope.
@Suite struct SchemaTests {
    static let check = Validators.packageRoot + "/docs/schemas/check-report.schema.json"
    static let fleet = Validators.packageRoot + "/docs/schemas/fleet-report.schema.json"

    func json(_ report: DriftReport) -> String {
        OutputFormat.json.reporter(ReportOptions(toolVersion: Scenario.toolVersion)).render(report)
    }

    @Test func checkAndLintReportsMatchTheSchema() throws {
        for report in [
            Scenario.report(), Scenario.report(pullRequest: false), Scenario.lint(), GroupingTests.report(),
        ] {
            try Validators.validateJSON(json(report), schema: Self.check)
        }
    }

    @Test func theSchemaRejectsWhatTheDocsDoNotAllow() throws {
        var root = try #require(
            try JSONSerialization.jsonObject(with: Data(json(Scenario.report()).utf8)) as? [String: Any])
        var findings = try #require(root["findings"] as? [[String: Any]])
        findings[0]["change"] = "introduce"
        root["findings"] = findings
        let broken = String(decoding: try JSONSerialization.data(withJSONObject: root), as: UTF8.self)
        #expect(throws: ValidationFailure.self) { try Validators.validateJSON(broken, schema: Self.check) }
    }

    /// The fleet golden file is what FleetFormatTests renders; each cluster's report is a check report.
    @Test func fleetReportMatchesTheSchema() throws {
        let text = try String(
            contentsOfFile: Validators.packageRoot + "/Tests/FleetTests/Golden/fleet.json", encoding: .utf8)
        try Validators.validateJSON(text, schema: Self.fleet)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        for cluster in root["clusters"] as? [[String: Any]] ?? [] {
            guard let report = cluster["report"] as? [String: Any] else { continue }
            let data = try JSONSerialization.data(withJSONObject: report)
            try Validators.validateJSON(String(decoding: data, as: UTF8.self), schema: Self.check)
        }
    }
}
