import Drift
import Manifests

/// `-o text`: for people at a terminal. Services that need attention, each finding as
/// `path:line: severity: type: message` (the form editors and CI logs link), a hint under it,
/// then a summary line. Services in sync are only counted.
public struct TextReporter: Reporter {
    let style: TextStyle

    public init(color: Bool) { style = TextStyle(enabled: color) }

    public func render(_ report: DriftReport) -> String {
        let summary = report.summary
        var lines = header(report)
        if let sentence = ReportWording.pullRequest(summary) {
            lines.append(style.bold(sentence))
        }
        if !report.desiredChanges.isEmpty {
            lines.append("Backends changed in git by this pull request:")
            for change in report.desiredChanges {
                lines.append("  \(change.service)  \(ReportWording.change(change))")
                for backend in change.added { lines.append("    " + style.green("+ \(backend.key)")) }
                for backend in change.removed { lines.append("    " + style.red("- \(backend.key)")) }
                for modified in change.modified {
                    lines.append(
                        "    ~ \(modified.after.key): \(ReportWording.backendState(modified.before)) → "
                            + ReportWording.backendState(modified.after))
                }
            }
        }

        let index = ReportIndex(report)
        for key in index.needingAttention {
            let result = index.result(key)
            lines.append("")
            lines.append(serviceHeader(key, result))
            if let error = result?.error { lines.append("  " + style.red(error)) }
            for finding in index.findings(key) { lines += render(finding) }
        }
        if !index.unattached.isEmpty {
            lines.append("")
            lines.append(style.bold("Not tied to a Service"))
            for finding in index.unattached { lines += render(finding) }
        }
        if !report.fixed.isEmpty {
            lines.append("")
            lines.append(style.bold("Fixed by this pull request") + " (\(report.fixed.count), at the base commit)")
            for finding in report.fixed {
                let location = ReportWording.location(finding.source).map { "\($0): " } ?? ""
                lines.append("  " + style.green("✓ ") + "\(location)\(ReportWording.line(finding))")
            }
        }
        if !report.notes.isEmpty {
            lines.append("")
            lines.append(style.bold("Notes") + " (\(report.notes.count))")
            for note in report.notes { lines.append("  " + style.dim(note.located)) }
        }
        if !report.errors.isEmpty {
            lines.append("")
            lines.append(style.red(style.bold("Could not check")) + " (\(report.errors.count))")
            for error in report.errors { lines.append("  " + error.located) }
        }
        lines.append("")
        lines.append(summaryLine(report, summary))
        return SafeText.terminalLines(lines) + "\n"
    }

    private func header(_ report: DriftReport) -> [String] {
        let desired = report.desired
        var text =
            style.bold("endpoint-drift \(report.mode.rawValue)")
            + ": \(desired.repository) at \(desired.revision) (\(desired.commit.prefix(7)))"
        if let live = report.live { text += " against \(live.source), observed \(live.observedAt)" }
        var lines = [text]
        if let base = report.base {
            lines.append("Pull request: base \(base.revision) (\(base.commit.prefix(7))) → head \(desired.revision)")
        }
        return lines
    }

    private func serviceHeader(_ key: ServiceKey, _ result: ServiceResult?) -> String {
        var text = style.bold(key.description)
        guard let result else { return text + "  " + style.dim("(not compared: not an external service)") }
        if let status = result.status {
            text += "  " + colored(status)
            if status != .unmanaged && status != .error {
                text += style.dim("  \(result.desired.count) in git, \(result.live.count) live")
            }
        }
        return text
    }

    private func colored(_ status: ServiceStatus) -> String {
        let word = ReportWording.status(status)
        switch status {
        case .inSync: return style.green(word)
        case .drifted, .missingLive: return style.red(word)
        case .unmanaged: return style.yellow(word)
        case .error: return style.red(style.bold(word))
        }
    }

    private func render(_ finding: Finding) -> [String] {
        let location = ReportWording.location(finding.source).map { "\($0): " } ?? ""
        var severity: String
        switch finding.severity {
        case .error: severity = style.red("error")
        case .warning: severity = style.yellow("warning")
        case .note: severity = style.cyan("note")
        }
        var text = "  \(location)\(severity): \(ReportWording.line(finding))"
        if let change = finding.change {
            text += change == .introduced ? style.bold(" [introduced]") : " [pre-existing]"
        }
        if let reason = finding.ignoredBy {
            return ["  " + style.dim("\(location)ignored: \(ReportWording.line(finding)) (by \(reason))")]
        }
        return [text, "    " + style.dim("hint: \(finding.hint)")]
    }

    private func summaryLine(_ report: DriftReport, _ summary: DriftSummary) -> String {
        var parts: [String] = []
        if report.mode == .check {
            var services = ReportWording.plural(summary.services, "service")
            let counts = ServiceStatus.allCases.filter { summary.count($0) > 0 }.map {
                "\(summary.count($0)) \(ReportWording.status($0))"
            }
            if !counts.isEmpty { services += " (" + counts.joined(separator: ", ") + ")" }
            parts.append(services)
        } else {
            parts.append(ReportWording.plural(summary.services, "service"))
        }
        if summary.excludedServices > 0 { parts.append("\(summary.excludedServices) excluded") }
        parts.append(ReportWording.findings(summary))
        let outcome: String
        switch summary.outcome {
        case .pass: outcome = style.green("PASS")
        case .fail: outcome = style.red("FAIL")
        case .error: outcome = style.red("ERROR")
        }
        return "\(outcome) " + parts.joined(separator: " · ")
    }
}
