import Drift
import Manifests

/// `-o junit`: JUnit XML for CI test reports (GitLab, Jenkins, Azure). One test suite per
/// namespace, one test case per Service, one `<failure>` per finding that is not ignored, an
/// `<error>` for a Service that could not be checked. Findings that belong to no Service are test
/// cases named after their file in the suite "manifests". Valid against Jenkins' junit-10.xsd.
public struct JUnitReporter: Reporter {
    public init() {}

    struct TestCase {
        var name: String
        var findings: [Finding]
        var error: String?

        var failed: Bool { findings.contains { !$0.isIgnored } }
    }

    /// A test suite: `name` in the XML; `classname` is `endpoint-drift.<group>` in its test cases.
    struct Suite {
        var name: String
        var group: String
        var cases: [TestCase]
    }

    public func render(_ report: DriftReport) -> String {
        document(name: "endpoint-drift \(report.mode.rawValue)", suites: suites(report))
    }

    /// One suite per namespace, then one for findings that belong to no Service.
    func suites(_ report: DriftReport) -> [Suite] {
        let index = ReportIndex(report)
        var suites: [Suite] = []
        var current: Suite?
        for key in index.keys {
            if current?.group != key.namespace {
                if let current { suites.append(current) }
                current = Suite(name: key.namespace, group: key.namespace, cases: [])
            }
            current?.cases.append(
                TestCase(name: key.description, findings: index.findings(key), error: index.result(key)?.error))
        }
        if let current { suites.append(current) }
        if !index.unattached.isEmpty {
            let byFile = Dictionary(grouping: index.unattached) {
                $0.source?.path ?? $0.object?.description ?? "(unknown)"
            }
            suites.append(
                Suite(
                    name: "manifests", group: "manifests",
                    cases: byFile.keys.sorted().map { TestCase(name: $0, findings: byFile[$0] ?? [], error: nil) }))
        }
        return suites
    }

    func document(name: String, suites: [Suite]) -> String {
        let allCases = suites.flatMap(\.cases)
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<testsuites name=\"\(XMLText.attribute(name))\" tests=\"\(allCases.count)\" "
                + "failures=\"\(allCases.filter(\.failed).count)\" errors=\"\(allCases.filter { $0.error != nil }.count)\">",
        ]
        for suite in suites {
            lines.append(
                "  <testsuite name=\"\(XMLText.attribute(suite.name))\" tests=\"\(suite.cases.count)\" "
                    + "failures=\"\(suite.cases.filter(\.failed).count)\" "
                    + "errors=\"\(suite.cases.filter { $0.error != nil }.count)\" skipped=\"0\">")
            for testCase in suite.cases { lines += render(testCase, namespace: suite.group) }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func render(_ testCase: TestCase, namespace: String) -> [String] {
        let open =
            "    <testcase name=\"\(XMLText.attribute(testCase.name))\" "
            + "classname=\"endpoint-drift.\(XMLText.attribute(namespace))\""
        let active = testCase.findings.filter { !$0.isIgnored }
        let ignored = testCase.findings.filter(\.isIgnored)
        guard !active.isEmpty || !ignored.isEmpty || testCase.error != nil else { return [open + "/>"] }
        var lines = [open + ">"]
        if let error = testCase.error {
            lines.append("      <error type=\"could-not-check\" message=\"\(XMLText.attribute(error))\"/>")
        }
        for finding in active {
            var body = "\(finding.severity.rawValue): \(finding.message)"
            if let location = ReportWording.location(finding.source) { body = "\(location): \(body)" }
            if let change = finding.change { body += " [\(change.rawValue)]" }
            body += "\nhint: \(finding.hint)"
            lines.append(
                "      <failure type=\"\(finding.type.rawValue)\" message=\"\(XMLText.attribute(finding.message))\">"
                    + XMLText.escape(body) + "</failure>")
        }
        if !ignored.isEmpty {
            let text = ignored.map { "ignored \(ReportWording.line($0)) (by \($0.ignoredBy ?? ""))" }.joined(
                separator: "\n")
            lines.append("      <system-out>\(XMLText.escape(text))</system-out>")
        }
        lines.append("    </testcase>")
        return lines
    }
}
