import Drift
import Foundation
import Manifests
import Reporting
import TestSupport
import Testing

@Suite struct FormatTests {
    @Test func jsonFindingsCarryEveryDocumentedField() throws {
        let json = JSONReporter(toolVersion: "1").render(Scenario.report())
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(root["schemaVersion"] as? Int == ReportJSON.schemaVersion)
        #expect(root["outcome"] as? String == "fail")
        let findings = try #require(root["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        let required = [
            "id", "type", "category", "severity", "namespace", "service", "object", "address", "port", "protocol",
            "portName", "desired", "live", "source", "message", "hint", "ignored", "change",
        ]
        for finding in findings {
            for key in required { #expect(finding.keys.contains(key), "\(key) missing in \(finding)") }
        }
        let ignored = findings.filter { $0["ignored"] as? Bool == true }
        #expect(ignored.count == 1)
        #expect(ignored.first?["ignoredBy"] is String)
        let summary = try #require(root["summary"] as? [String: Any])
        #expect(summary["ignored"] as? Int == 1)
        #expect((summary["pullRequest"] as? [String: Any])?["fixed"] as? Int == 1)
        #expect((root["fixed"] as? [Any])?.count == 1)
        let services = try #require(root["services"] as? [[String: Any]])
        #expect(services.map { $0["status"] as? String ?? "" }.contains("unmanaged"))
    }

    @Test func jsonIsByteStable() {
        let first = JSONReporter(toolVersion: "1").render(Scenario.report())
        let second = JSONReporter(toolVersion: "1").render(Scenario.report())
        #expect(first == second)
    }

    /// Thousands of drifted services still make a comment GitHub accepts, marker first.
    @Test func markdownStaysUnderTheCommentLimit() throws {
        var findings: [Finding] = []
        var services: [ServiceResult] = []
        for index in 0..<3000 {
            let key = ServiceKey(namespace: "ns-\(index % 7)", name: "service-with-a-long-name-\(index)")
            services.append(ServiceResult(key: key, status: .drifted))
            for port in 0..<5 {
                findings.append(
                    Finding(
                        type: .missingBackend, service: key, address: "10.\(index / 256).\(index % 256).1",
                        port: 8000 + port, protocol: "TCP", portName: "",
                        source: SourceLocation(path: "apps/\(key.namespace)/\(key.name).yaml", line: 10 + port),
                        message:
                            "10.\(index / 256).\(index % 256).1:\(8000 + port)/TCP is in git but not served by the cluster"
                    ))
            }
        }
        let report = DriftReport(
            mode: .check, desired: DriftReport.Revision(repository: "r", revision: "HEAD", commit: "abc"),
            live: DriftReport.LiveInfo(source: "file", observedAt: "now", namespaces: nil), services: services,
            findings: findings)
        let markdown = MarkdownReporter().render(report)
        #expect(markdown.utf8.count < 65_536)
        #expect(markdown.hasPrefix(MarkdownReporter.marker + "\n"))
        #expect(markdown.contains("more not shown") || markdown.contains("more sections not shown"))
        #expect(markdown.contains("| … |"))
        // Every <details> that was opened is closed: blocks are never cut in half.
        #expect(
            markdown.components(separatedBy: "<details>").count == markdown.components(separatedBy: "</details>").count)

        // One Service with thousands of findings is cut inside its table, leaving room for the rest.
        let one = ServiceKey(namespace: "a", name: "huge")
        let huge = DriftReport(
            mode: .check, desired: report.desired, live: report.live,
            services: [
                ServiceResult(key: one, status: .drifted),
                ServiceResult(key: ServiceKey(namespace: "b", name: "small"), status: .drifted),
            ],
            findings: findings.prefix(5000).map { finding in
                var copy = finding
                copy.service = one
                return copy
            } + [Finding(type: .staleBackend, service: ServiceKey(namespace: "b", name: "small"), message: "small one")]
        )
        let cut = MarkdownReporter().render(huge)
        #expect(cut.utf8.count < 65_536)
        #expect(cut.contains("small one"))

        // A pull request that adds thousands of backends: the change table is cut, not the comment.
        var changes = report
        changes.base = DriftReport.Revision(repository: "r", revision: "main", commit: "def")
        changes.findings = []
        changes.services = []
        changes.desiredChanges = [
            DesiredChange(
                service: one, added: (0..<5000).map { Backend(address: "10.9.\($0 / 256).\($0 % 256)", port: 80) })
        ]
        let changed = MarkdownReporter().render(changes)
        #expect(changed.utf8.count < 65_536)
        #expect(changed.contains("Backends changed in git by this pull request (1)"))
        #expect(changed.contains("more | |"))
    }

    @Test func markdownEscapesWhatWouldBreakTheTable() {
        let markdown = MarkdownReporter().render(ValidationTests.awkward())
        #expect(markdown.contains("\\| pipe"))
        #expect(markdown.contains("&lt;tag&gt;"))
        #expect(!markdown.contains("<tag>"))
    }

    @Test func githubCommandsEscapeDataAndProperties() {
        #expect(GitHubReporter.escapeData("50% done\r\nnext") == "50%25 done%0D%0Anext")
        #expect(GitHubReporter.escapeProperty("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae")
        #expect(
            GitHubReporter.command("error", [("file", "x,y.yaml"), ("line", "3"), ("title", "t: u")], "m")
                == "::error file=x%2Cy.yaml,line=3,title=t%3A u::m")
        let output = GitHubReporter().render(ValidationTests.awkward())
        #expect(output.contains("::error file=apps/weird dir/a&b <c>%2Cd%3Ae%25.yaml,line=2,title=invalid-manifest::"))
        #expect(output.contains("100%25 done%0Asecond line"))
        #expect(output.contains("::error title=endpoint-drift could not check::namespace x: forbidden & <denied>"))
        // Ignored findings are not annotated; warnings are warnings.
        #expect(!output.contains("readiness-drift"))
        #expect(output.contains("::warning title=unmanaged-live-object (shop/object-store)::"))
        // Every line is a workflow command except the closing summary.
        let lines = output.split(separator: "\n")
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("::") })
    }

    @Test func textColourIsOffUnlessAsked() {
        #expect(!TextReporter(color: false).render(Scenario.report()).contains("\u{1B}["))
        #expect(TextReporter(color: true).render(Scenario.report()).contains("\u{1B}["))
    }

    @Test func formatNamesAreTheCommandLineSpellings() {
        #expect(
            OutputFormat.allCases.map(\.rawValue) == [
                "text", "json", "markdown", "github", "sarif", "junit", "html", "yaml",
            ])
    }
}
