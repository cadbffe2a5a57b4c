import Drift
import Manifests

/// `-o github`: GitHub Actions workflow commands, so that each finding becomes an annotation on
/// the file and line in the pull request (`::error file=…,line=…,title=…::message`). Ignored
/// findings are not annotated. The job summary (`GITHUB_STEP_SUMMARY`) gets the Markdown report;
/// the command line writes it, as reporters do no I/O.
public struct GitHubReporter: Reporter {
    public init() {}

    public func render(_ report: DriftReport) -> String {
        var lines = Self.annotations(report, cluster: nil)
        let summary = report.summary
        if report.isPullRequest { lines += Self.plan(report) }
        var text =
            report.isPullRequest
            ? "endpoint-drift: \(ReportWording.findings(summary))"
            : "endpoint-drift: \(ReportWording.headline(report, summary)); \(ReportWording.findings(summary))"
        if let sentence = ReportWording.pullRequest(summary) { text += ". " + sentence }
        lines.append(text)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Pull-request mode: one notice per planned Service and one per fixed finding (on its line at
    /// the base), so that the three parts are on the pull request's Checks tab.
    static func plan(_ report: DriftReport) -> [String] {
        var lines: [String] = []
        for change in report.desiredChanges {
            var message = "\(ReportWording.planKind(change)). Once applied: \(ReportWording.onceApplied(change))"
            if let live = change.liveNow { message += " (live now: \(live))" }
            for line in ReportWording.planLines(change) { message += "\n\(line.symbol) \(line.text)" }
            var properties: [(String, String)] = []
            if let path = change.path {
                properties.append(("file", path))
                if let line = change.line, line > 0 { properties.append(("line", String(line))) }
            }
            properties.append(("title", "plan: \(change.service)"))
            lines.append(command("notice", properties, message))
        }
        for finding in report.fixed {
            let scope = finding.service?.description ?? finding.object?.description
            lines.append(
                command(
                    "notice",
                    [
                        (
                            "title",
                            "fixed by this pull request: \(finding.type.rawValue)" + (scope.map { " (\($0))" } ?? "")
                        )
                    ],
                    finding.message))
        }
        return lines
    }

    /// One workflow command per finding that is not ignored and per error; titles name `cluster`
    /// when given (a multi-cluster run annotates the same file once per cluster).
    static func annotations(_ report: DriftReport, cluster: String?) -> [String] {
        let suffix = cluster.map { " [\($0)]" } ?? ""
        var lines: [String] = []
        // One annotation per group: one line per address with its ports, one per replaced address.
        for group in FindingGroup.group(report.findings.filter { !$0.isIgnored }) {
            let finding = group.first
            var properties: [(String, String)] = []
            if let source = finding.source {
                properties.append(("file", source.path))
                if source.line > 0 { properties.append(("line", String(source.line))) }
            }
            let scope = finding.service?.description ?? finding.object?.description
            properties.append(("title", group.label + (scope.map { " (\($0))" } ?? "") + suffix))
            var message = group.message
            var level = Self.level(finding.severity)
            switch finding.change {
            case .introduced: message = "[introduced by this pull request] " + message
            case .preExisting: message = "[already there before this pull request] " + message
            case .planned:
                message = "[planned: applied by the merge] " + message
                if !report.fails(finding) { level = "notice" }
            case nil: break
            }
            message += "\nHint: \(group.hint)"
            lines.append(Self.command(level, properties, message))
        }
        for error in report.errors {
            var properties: [(String, String)] = []
            if let path = error.path { properties.append(("file", path)) }
            if let line = error.line { properties.append(("line", String(line))) }
            properties.append(("title", "endpoint-drift could not check" + suffix))
            lines.append(Self.command("error", properties, error.message))
        }
        return lines
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "notice"
        }
    }

    /// `::name key=value,key=value::message`, escaped as `@actions/core` does it.
    public static func command(_ name: String, _ properties: [(String, String)], _ message: String) -> String {
        let rendered = properties.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(name)\(rendered.isEmpty ? "" : " " + rendered)::\(escapeData(message))"
    }

    /// Message text: `%`, CR and LF are encoded (so a message can span lines in the annotation).
    public static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            // Other control characters (ESC, BEL) would reach the runner's log raw.
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                out += SafeText.escape(String(scalar))
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Property values: as message text, plus `:` and `,`, which would end the value.
    public static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
