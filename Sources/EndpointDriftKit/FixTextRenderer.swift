import Manifests
import Remediation
import Reporting

/// The human-readable `fix` report: per service what differs and what was done, the edited lines,
/// the outputs written, and the next command.
struct FixTextRenderer {
    let style: TextStyle

    init(color: Bool) { style = TextStyle(enabled: color) }

    func render(_ report: FixReport) -> String {
        var lines: [String] = []
        let header =
            "fix --to \(report.direction.rawValue): \(report.revision) (\(String(report.commitID.prefix(7)))) against \(report.liveSource), observed \(report.observedAt)"
        lines.append(style.bold(header))
        if report.services.isEmpty {
            lines.append("")
            lines.append("Nothing to fix: git and the cluster have the same backends.")
            return lines.joined(separator: "\n") + "\n"
        }
        for service in report.services {
            lines.append("")
            lines.append("\(style.bold(service.service.description)): \(word(service.status, dryRun: report.dryRun))")
            let changes =
                report.direction == .live
                ? CommitMessage.describe(service.plan) : service.plan.changes.map { $0.describe(direction: .git) }
            lines += changes.map { "  " + $0 }
            for object in service.plan.apply { lines.append("  > apply \(object.ref)") }
            lines += service.reasons.map { "  ! " + $0 }
        }
        if !report.files.isEmpty {
            lines.append("")
            lines.append(style.bold(report.dryRun ? "Edits (not written):" : "Edits:"))
            for file in report.files {
                let kind = file.original == nil ? " (new file)" : file.edited == nil ? " (deleted)" : ""
                lines.append("  \(file.path)\(kind)")
                guard file.original != nil, file.edited != nil else { continue }
                for hunk in file.hunks {
                    let range =
                        hunk.endLine < hunk.startLine
                        ? "before line \(hunk.startLine)"
                        : hunk.endLine == hunk.startLine
                            ? "line \(hunk.startLine)" : "lines \(hunk.startLine)-\(hunk.endLine)"
                    lines.append("    @ \(range)")
                    lines += Self.lines(hunk.before).map { "    " + style.red("-" + $0) }
                    lines += Self.lines(hunk.after).map { "    " + style.green("+" + $0) }
                }
            }
        }
        lines.append("")
        lines += outcome(report)
        if !report.nextCommands.isEmpty {
            lines.append("")
            lines += report.nextCommands.map { "Next: " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func word(_ status: FixApplier.Status, dryRun: Bool) -> String {
        switch status {
        case .fixed: style.green(dryRun ? "can be fixed" : "fixed")
        case .partial: style.yellow(dryRun ? "can be fixed in part" : "fixed in part")
        case .unfixed: style.red("needs a person")
        }
    }

    private func outcome(_ report: FixReport) -> [String] {
        var lines: [String] = []
        let fixed = report.services.filter { $0.status == .fixed }.count
        let remaining = report.services.count - fixed
        lines.append(
            "\(fixed) of \(report.services.count) services \(report.dryRun ? "can be" : "were") fixed"
                + (remaining > 0 ? "; drift remains in \(remaining) (exit 1)." : "."))
        if report.dryRun {
            lines.append(
                report.direction == .live
                    ? "Nothing written: add --write, --commit, --patch FILE, --format-patch FILE or --out DIR."
                    : "Nothing written.")
        }
        if !report.written.isEmpty { lines.append("Wrote the working tree: \(report.written.joined(separator: ", "))") }
        if let out = report.outDirectory, report.direction == .live, !report.files.isEmpty {
            lines.append("Wrote the corrected files under \(out)/")
        }
        if let patch = report.patchFile { lines.append("Wrote the patch to \(patch == "-" ? "stdout" : patch)") }
        if let commit = report.commit {
            if let branch = commit.branch {
                lines.append(
                    "Committed \(String(commit.id.prefix(7))) on branch \(branch) (parent \(String(commit.parent.prefix(7)))); working tree, index and HEAD untouched"
                )
            }
        }
        if let mbox = report.formatPatchFile {
            lines.append("Wrote the commit as an mbox patch to \(mbox == "-" ? "stdout" : mbox)")
        }
        if report.direction == .git && !report.applyFiles.isEmpty {
            lines.append("Wrote \(report.applyFiles.count) manifests to apply under \(report.outDirectory ?? ".")/")
        }
        for error in report.scanErrors { lines.append("warning: \(error)") }
        for namespace in report.unreadNamespaces {
            lines.append("error: namespace \(namespace) could not be read; its services were not fixed")
        }
        return lines
    }

    static func lines(_ text: String) -> [String] {
        // "\r\n" is one Character: split on newline characters so CRLF files show clean lines.
        var result = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if result.last == "" { result.removeLast() }
        return result
    }
}
