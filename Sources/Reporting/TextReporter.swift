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
        if report.isPullRequest {
            lines += pullRequest(report, summary)
        } else {
            let index = ReportIndex(report)
            lines += services(index, keys: index.needingAttention) { _ in true }
            if !index.unattached.isEmpty {
                lines.append("")
                lines.append(style.bold("Not tied to a Service"))
                for finding in index.unattached { lines += render(finding) }
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

    /// Pull-request mode, in three parts: the plan (what merging changes), drift already there,
    /// and what the pull request fixes; lint findings it introduces come before the drift.
    private func pullRequest(_ report: DriftReport, _ summary: DriftSummary) -> [String] {
        var lines: [String] = []
        if let sentence = ReportWording.pullRequest(summary) { lines.append(style.bold(sentence)) }
        let index = ReportIndex(report)
        lines.append("")
        lines.append(style.bold("Plan") + " (\(ReportWording.plural(report.desiredChanges.count, "service")))")
        lines.append(
            "  " + style.dim(ReportWording.appliedBy(report.appliedBy).replacingOccurrences(of: "`", with: "")))
        for change in report.desiredChanges {
            lines.append("  \(style.bold(change.service.description))  \(ReportWording.planKind(change))")
            for line in ReportWording.planLines(change) {
                let text = "\(line.symbol) \(line.text)"
                switch line.symbol {
                case "+": lines.append("    " + style.green(text))
                case "-": lines.append("    " + style.red(text))
                default: lines.append("    " + text)
                }
            }
            var applied = "once applied: \(ReportWording.onceApplied(change))"
            if let live = change.liveNow { applied += " (live now: \(live))" }
            lines.append("    " + applied)
            // Planned differences are listed only when they fail the run (`--applied-by manual`,
            // `--fail-on planned`): otherwise they are what the plan above says.
            for finding in index.findings(change.service) where finding.change == .planned && report.fails(finding) {
                lines += render(finding).map { "  " + $0 }
            }
        }
        let planned = report.findings.filter { $0.change == .planned && !$0.isIgnored }.count
        if planned > 0 {
            lines.append(
                "  "
                    + style.dim(
                        "\(ReportWording.plural(planned, "difference")) with the cluster \(planned == 1 ? "comes" : "come") "
                            + "from this plan and \(planned == 1 ? "goes" : "go") when it is applied"))
        }

        let touched = report.touchedServices
        let sections: [(title: String, change: FindingChange)] = [
            ("Introduced by this pull request", .introduced), ("Drift already there", .preExisting),
        ]
        for section in sections {
            let keys = index.keys.filter { key in index.findings(key).contains { $0.change == section.change } }
                .sorted { touched.contains($0) && !touched.contains($1) }
            let unattached = index.unattached.filter { $0.change == section.change }
            guard !keys.isEmpty || !unattached.isEmpty else { continue }
            let count = report.findings.filter { $0.change == section.change }.count
            lines.append("")
            lines.append(style.bold(section.title) + " (\(ReportWording.plural(count, "finding")))")
            lines += services(index, keys: keys, touched: section.change == .preExisting ? touched : nil) {
                $0.change == section.change
            }
            for finding in unattached { lines += render(finding) }
        }
        let failed = index.keys.filter { index.result($0)?.error != nil }
        if !failed.isEmpty { lines += services(index, keys: failed) { _ in false } }
        if !report.fixed.isEmpty {
            lines.append("")
            lines.append(style.bold("Fixed by this pull request") + " (\(report.fixed.count), at the base commit)")
            for finding in report.fixed {
                let location = ReportWording.location(finding.source).map { "\($0): " } ?? ""
                lines.append("  " + style.green("✓ ") + "\(location)\(ReportWording.line(finding))")
            }
        }
        return lines
    }

    /// Each Service's header and its findings that pass `include`; with `touched`, whether the pull
    /// request touches the Service.
    private func services(
        _ index: ReportIndex, keys: [ServiceKey], touched: Set<ServiceKey>? = nil, include: (Finding) -> Bool
    ) -> [String] {
        var lines: [String] = []
        for key in keys {
            let result = index.result(key)
            lines.append("")
            var header = serviceHeader(key, result)
            if let touched {
                header += style.dim(
                    touched.contains(key)
                        ? "  (touched by this pull request)" : "  (not touched by this pull request)")
            }
            lines.append(header)
            if let error = result?.error { lines.append("  " + style.red(error)) }
            for group in FindingGroup.group(index.findings(key).filter(include)) { lines += render(group) }
        }
        return lines
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

    /// A group of one finding is that finding; a larger one is one line and one hint.
    private func render(_ group: FindingGroup) -> [String] {
        guard group.kind != .single else { return render(group.first) }
        let location = ReportWording.location(group.source).map { "\($0): " } ?? ""
        let severity = group.severity == .error ? style.red("error") : style.yellow(group.severity.rawValue)
        return ["  \(location)\(severity): \(group.line)", "    " + style.dim("hint: \(group.hint)")]
    }

    private func render(_ finding: Finding) -> [String] {
        let location = ReportWording.location(finding.source).map { "\($0): " } ?? ""
        var severity: String
        switch finding.severity {
        case .error: severity = style.red("error")
        case .warning: severity = style.yellow("warning")
        case .note: severity = style.cyan("note")
        }
        let text = "  \(location)\(severity): \(ReportWording.line(finding))"
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
