import Drift
import Foundation
import Reporting
import TestSupport
import Testing

/// The combined report of a fleet in every format, against checked-in files (UPDATE_GOLDEN=1
/// rewrites them), and validated where a validator exists.
@Suite struct FleetFormatTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        .path
    static let link = RepositoryLink(template: "https://git.example.com/org/repo/blob/{commit}/{path}#L{line}")

    func render(_ format: OutputFormat, _ fleet: FleetReport = FleetScenario.fleet()) -> String {
        format.fleetReporter(ReportOptions(toolVersion: FleetScenario.toolVersion, repositoryLink: Self.link))
            .render(fleet)
    }

    @Test(arguments: OutputFormat.allCases)
    func golden(format: OutputFormat) {
        let names: [OutputFormat: String] = [
            .text: "fleet.txt", .json: "fleet.json", .markdown: "fleet.md", .github: "fleet.github.txt",
            .sarif: "fleet.sarif", .junit: "fleet.junit.xml", .html: "fleet.html", .yaml: "fleet.yaml",
        ]
        let path = "\(Self.folder)/\(names[format] ?? format.rawValue)"
        if let mismatch = GoldenFile.mismatch(render(format), path: path) { Issue.record(Comment(rawValue: mismatch)) }
    }

    @Test func textHasALinePerClusterAndTheWorstVerdict() {
        let text = render(.text)
        #expect(text.contains("  prod     FAIL   1 of 2 services not in sync: 1 drifted"))
        #expect(text.contains("  staging  PASS   1 service, in sync"))
        #expect(text.contains("  lab      ERROR  could not check: list services in namespace shop"))
        #expect(text.contains("── cluster lab: ERROR ──\ncould not check: list services"))
        #expect(
            text.hasSuffix("ERROR 3 clusters (1 pass, 1 fail, 1 error) · 4 services · 2 findings; 2 fail the run\n"))
    }

    @Test func jsonHoldsEachClusterReport() throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(render(.json).utf8)) as? [String: Any])
        #expect(root["kind"] as? String == "fleet")
        #expect(root["outcome"] as? String == "error")
        let clusters = try #require(root["clusters"] as? [[String: Any]])
        #expect(clusters.map { $0["name"] as? String } == ["prod", "staging", "lab"])
        #expect(clusters.map { $0["outcome"] as? String } == ["fail", "pass", "error"])
        let prod = try #require(clusters[0]["report"] as? [String: Any])
        #expect((prod["summary"] as? [String: Any])?["drifted"] as? Int == 1)
        #expect(clusters[2]["error"] as? String == FleetScenario.labError)
    }

    @Test func markdownIsOneStickyComment() {
        let markdown = render(.markdown)
        #expect(markdown.hasPrefix("<!-- endpoint-drift -->\n### 💥 endpoint-drift: 2 of 3 clusters need attention"))
        #expect(markdown.components(separatedBy: "<!-- endpoint-drift -->").count == 2)
        #expect(markdown.contains("| `lab` | 💥 error |"))
        #expect(markdown.contains("<summary><b>prod</b>: ❌ fail</summary>"))
    }

    @Test func markdownStaysUnderTheLimitWithManyClusters() {
        var fleet = FleetScenario.fleet()
        fleet.clusters = (0..<40).map { ClusterReport(name: "cluster-\($0)", report: FleetScenario.prod) }
        let markdown = FleetMarkdownReporter(limit: 30_000).render(fleet)
        #expect(markdown.utf8.count < 65_536)
        #expect(markdown.contains("cluster-39"))
    }

    @Test func githubAnnotationsNameTheCluster() {
        let lines = render(.github).split(separator: "\n").map(String.init)
        #expect(
            lines.contains { $0.hasPrefix("::error file=clusters/prod/orders-db.yaml,line=") && $0.contains("[prod]") })
        #expect(lines.contains { $0.hasPrefix("::error title=endpoint-drift could not check cluster lab::") })
        #expect(lines.contains("endpoint-drift [staging]: pass; 1 service, in sync; 0 findings; none fails the run"))
    }

    @Test func sarifHasARunPerClusterAndIsValid() throws {
        let sarif = render(.sarif)
        try Validators.validateJSON(sarif, schema: Validators.schemaPath("sarif-schema-2.1.0.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let runs = try #require(root["runs"] as? [[String: Any]])
        #expect(
            runs.map { ($0["automationDetails"] as? [String: Any])?["id"] as? String } == [
                "endpoint-drift/check/prod/", "endpoint-drift/check/staging/", "endpoint-drift/check/lab/",
            ])
        let lab = try #require((runs[2]["invocations"] as? [[String: Any]])?.first)
        #expect(lab["executionSuccessful"] as? Bool == false)
    }

    @Test func junitIsValidWithASuitePerClusterAndNamespace() throws {
        let junit = render(.junit)
        try Validators.validateXML(junit, schema: Validators.schemaPath("junit-10.xsd"))
        #expect(junit.contains("<testsuite name=\"prod/shop\""))
        #expect(junit.contains("<testsuite name=\"lab\" tests=\"1\" failures=\"0\" errors=\"1\""))
    }
}
