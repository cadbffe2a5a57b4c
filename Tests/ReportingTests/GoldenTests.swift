import Drift
import Foundation
import Reporting
import TestSupport
import Testing

/// Every output format against a checked-in file (UPDATE_GOLDEN=1 rewrites them).
@Suite struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        .path

    func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if let mismatch = GoldenFile.mismatch(text, path: "\(Self.folder)/\(name)") {
            Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation)
        }
    }

    func render(_ format: OutputFormat, _ report: DriftReport, color: Bool = false) -> String {
        format.reporter(ReportOptions(color: color, toolVersion: Scenario.toolVersion)).render(report)
    }

    @Test(arguments: OutputFormat.allCases)
    func pullRequestCheck(format: OutputFormat) {
        let names: [OutputFormat: String] = [
            .text: "check-pr.txt", .json: "check-pr.json", .markdown: "check-pr.md", .github: "check-pr.github.txt",
            .sarif: "check-pr.sarif", .junit: "check-pr.junit.xml", .html: "check-pr.html", .yaml: "check-pr.yaml",
        ]
        expectGolden(render(format, Scenario.report()), names[format] ?? format.rawValue)
    }

    @Test func colouredText() {
        let text = render(.text, Scenario.report(pullRequest: false), color: true)
        #expect(text.contains("\u{1B}[31merror\u{1B}[0m"))
        expectGolden(text, "check-color.txt")
    }

    @Test func inSyncText() {
        expectGolden(render(.text, Scenario.inSync()), "in-sync.txt")
        expectGolden(render(.markdown, Scenario.inSync()), "in-sync.md")
    }

    @Test func lintText() {
        expectGolden(render(.text, Scenario.lint()), "lint.txt")
        expectGolden(render(.json, Scenario.lint()), "lint.json")
    }
}
