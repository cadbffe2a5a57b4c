import Drift
import Manifests

/// `-o markdown`: a pull-request comment. It starts with a hidden marker so that a bot can find and
/// update its one comment in place, puts the verdict and a summary table first, then one
/// collapsible `<details>` block per Service, and stays under GitHub's comment limit by leaving out
/// whole blocks (with a note) rather than cutting one in half.
public struct MarkdownReporter: Reporter {
    /// The first line of every comment.
    public static let marker = "<!-- endpoint-drift -->"
    /// GitHub stores 65,536 characters per comment; counting UTF-8 bytes stays under it whatever
    /// GitHub counts, with room to spare for the truncation note.
    public static let defaultLimit = 65_000

    let limit: Int

    public init(limit: Int = MarkdownReporter.defaultLimit) { self.limit = limit }

    public func render(_ report: DriftReport) -> String {
        if report.isPullRequest { return pullRequest(report) }
        let summary = report.summary
        let index = ReportIndex(report)
        let shown = index.needingAttention

        var head = [
            Self.marker,
            "### \(MarkdownText.icon(summary.outcome)) endpoint-drift: \(ReportWording.headline(report, summary))", "",
        ]
        if let sentence = ReportWording.pullRequest(summary) {
            head += ["**\(MarkdownText.escape(sentence))**", ""]
        }
        head.append(context(report))
        head.append("")
        head += table(shown, index)
        head.append("**Summary:** \(MarkdownText.escape(ReportWording.findings(summary))).")

        var blocks: [String] = []
        for key in shown {
            blocks.append(details(key, result: index.result(key), findings: index.findings(key)))
        }
        if !index.unattached.isEmpty {
            blocks.append(
                block(summary: "Not tied to a Service (\(index.unattached.count))", findings: index.unattached))
        }
        if !report.fixed.isEmpty {
            blocks.append(
                block(summary: "✅ Fixed by this pull request (\(report.fixed.count))", findings: report.fixed))
        }
        if !report.desiredChanges.isEmpty { blocks.append(changes(report.desiredChanges)) }
        if !report.errors.isEmpty {
            blocks.append(
                list(summary: "💥 Could not check (\(report.errors.count))", items: report.errors.map(\.located)))
        }
        if !report.notes.isEmpty {
            blocks.append(list(summary: "Notes (\(report.notes.count))", items: report.notes.map(\.located)))
        }
        return assemble(head: head.joined(separator: "\n") + "\n", blocks: blocks)
    }

    /// Pull-request mode: the plan, lint introduced, drift already there, fixed. The verdict and the
    /// plan table come first; each part's details are blocks that are left out whole when too long.
    private func pullRequest(_ report: DriftReport) -> String {
        let summary = report.summary
        let index = ReportIndex(report)
        var head = [
            Self.marker,
            "### \(MarkdownText.icon(summary.outcome)) endpoint-drift: "
                + MarkdownText.escape(ReportWording.pullRequestHeadline(summary)), "",
        ]
        if let sentence = ReportWording.pullRequest(summary) { head += ["**\(MarkdownText.escape(sentence))**", ""] }
        head += [context(report), "", "#### 📋 Plan", "", ReportWording.appliedBy(report.appliedBy), ""]
        if report.desiredChanges.isEmpty {
            head += ["This pull request changes no external service.", ""]
        } else {
            let rows = fitting(report.desiredChanges, budget: limit / 4, overflow: { "| … | \($0) more | | |" }) {
                change in
                "| \(MarkdownText.code(change.service.description)) | \(planIcon(change)) "
                    + "\(MarkdownText.escape(ReportWording.planKind(change))) | "
                    + "\(MarkdownText.escape(ReportWording.onceApplied(change))) | "
                    + "\(change.liveNow.map(String.init) ?? "—") |"
            }
            head += ["| Service | In git | Once applied | Live now |", "|---|---|---|---:|"] + rows + [""]
        }
        let planned = report.findings.filter { $0.change == .planned && !$0.isIgnored }.count
        if planned > 0 {
            head += [
                "\(ReportWording.plural(planned, "difference")) with the cluster \(planned == 1 ? "comes" : "come") "
                    + "from this plan and \(planned == 1 ? "goes" : "go") when it is applied.", "",
            ]
        }
        head.append("**Summary:** \(MarkdownText.escape(ReportWording.findings(summary))).")

        var blocks: [String] = []
        if report.desiredChanges.contains(where: { $0.backendChanges > 0 }) {
            blocks.append(changes(report.desiredChanges))
        }
        let failingPlanned = report.findings.filter { $0.change == .planned && report.fails($0) }
        if !failingPlanned.isEmpty {
            blocks.append(
                block(
                    summary: "❌ Planned, not applied yet (\(failingPlanned.count))", findings: failingPlanned))
        }
        let touched = report.touchedServices
        let sections: [(title: String, change: FindingChange)] = [
            ("🆕 Introduced by this pull request", .introduced), ("Drift already there", .preExisting),
        ]
        for section in sections {
            // Services the pull request touches first: their drift is what fails it.
            let keys = index.keys.filter { key in index.findings(key).contains { $0.change == section.change } }
                .sorted { touched.contains($0) && !touched.contains($1) }
            let unattached = index.unattached.filter { $0.change == section.change }
            guard !keys.isEmpty || !unattached.isEmpty else { continue }
            let count = report.findings.filter { $0.change == section.change }.count
            var heading = "#### \(section.title) (\(count))\n"
            if section.change == .preExisting {
                heading +=
                    "\nFindings at the base that are still at the head. On the Services this pull request touches "
                    + "they fail it by default; elsewhere they are listed only.\n"
            }
            blocks.append(heading)
            for key in keys {
                var title = key.description
                if section.change == .preExisting {
                    title += touched.contains(key) ? " (touched by this pull request)" : " (not touched)"
                }
                blocks.append(
                    details(
                        key, title: title, result: index.result(key),
                        findings: index.findings(key).filter { $0.change == section.change }))
            }
            if !unattached.isEmpty {
                blocks.append(block(summary: "Not tied to a Service (\(unattached.count))", findings: unattached))
            }
        }
        if !report.fixed.isEmpty {
            blocks.append("#### ✅ Fixed by this pull request (\(report.fixed.count))\n")
            blocks.append(
                block(summary: "Findings at the base that the head no longer has", findings: report.fixed, fixed: true))
        }
        if !report.errors.isEmpty {
            blocks.append(
                list(summary: "💥 Could not check (\(report.errors.count))", items: report.errors.map(\.located)))
        }
        if !report.notes.isEmpty {
            blocks.append(list(summary: "Notes (\(report.notes.count))", items: report.notes.map(\.located)))
        }
        return assemble(head: head.joined(separator: "\n") + "\n", blocks: blocks)
    }

    private func planIcon(_ change: DesiredChange) -> String {
        switch change.kind {
        case .added: "➕"
        case .removed: "➖"
        case .changed: "✏️"
        }
    }

    /// Adds whole blocks while they fit, then says how many were left out.
    private func assemble(head: String, blocks: [String]) -> String {
        let reserve = 300
        var out = head
        var size = out.utf8.count
        for (index, block) in blocks.enumerated() {
            let blockSize = block.utf8.count + 1
            if size + blockSize + reserve > limit {
                let left = blocks.count - index
                out +=
                    "\n> [!NOTE]\n> \(left) more section\(left == 1 ? "" : "s") not shown: a comment holds at most "
                    + "65,536 characters. The full report is in the job log or `-o json`.\n"
                return out
            }
            out += "\n" + block
            size += blockSize
        }
        return out
    }

    private func context(_ report: DriftReport) -> String {
        let desired = report.desired
        var text =
            "Checked \(MarkdownText.code(desired.revision)) (\(MarkdownText.code(String(desired.commit.prefix(7)))))"
        if let base = report.base {
            text +=
                " against base \(MarkdownText.code(base.revision)) (\(MarkdownText.code(String(base.commit.prefix(7)))))"
        }
        if let live = report.live {
            text +=
                " with the live state from \(MarkdownText.escape(live.source)), observed \(MarkdownText.escape(live.observedAt))"
        } else {
            text += " (lint: manifests only)"
        }
        return text + "."
    }

    /// One row per Service that needs attention; a long table is cut at half the limit.
    private func table(_ keys: [ServiceKey], _ services: ReportIndex) -> [String] {
        guard !keys.isEmpty else { return [] }
        let rows = fitting(keys, budget: limit / 2, overflow: { "| … | \($0) more | | | |" }) { key in
            let result = services.result(key)
            let findings = services.findings(key).filter { !$0.isIgnored }
            let counts = Dictionary(grouping: findings, by: \.type).sorted { $0.key < $1.key }.map {
                "\($0.value.count) \($0.key.rawValue)"
            }
            return
                "| \(MarkdownText.code(key.description)) | \(status(result)) | \(result.map { String($0.desired.count) } ?? "") | "
                + "\(result.map { String($0.live.count) } ?? "") | \(counts.isEmpty ? "—" : counts.joined(separator: ", ")) |"
        }
        return ["| Service | Status | In git | Live | Findings |", "|---|---|---:|---:|---|"] + rows + [""]
    }

    /// Table rows while they fit in `budget` bytes, then one row saying how many were left out: a
    /// long table is cut, never the comment.
    private func fitting<Item>(
        _ items: [Item], budget: Int, overflow: (Int) -> String, row: (Item) -> String
    ) -> [String] {
        var rows: [String] = []
        var size = 0
        for (index, item) in items.enumerated() {
            let text = row(item)
            if size + text.utf8.count > budget {
                rows.append(overflow(items.count - index))
                break
            }
            rows.append(text)
            size += text.utf8.count
        }
        return rows
    }

    private func status(_ result: ServiceResult?) -> String {
        guard let status = result?.status else { return result == nil ? "not compared" : "—" }
        let icon: String
        switch status {
        case .inSync: icon = "✅"
        case .drifted: icon = "❌"
        case .missingLive: icon = "🚫"
        case .unmanaged: icon = "⚠️"
        case .error: icon = "💥"
        }
        return "\(icon) \(ReportWording.status(status))"
    }

    private func details(
        _ key: ServiceKey, title name: String? = nil, result: ServiceResult?, findings: [Finding]
    ) -> String {
        var title = "<b>\(MarkdownText.escape(name ?? key.description))</b>"
        if let status = result?.status { title += ": \(ReportWording.status(status))" }
        title += " — \(ReportWording.plural(findings.count, "finding"))"
        var lines = ["<details>", "<summary>\(title)</summary>", ""]
        if let error = result?.error { lines += ["💥 \(MarkdownText.escape(error))", ""] }
        if !findings.isEmpty { lines += findingTable(findings) }
        lines.append("</details>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func block(summary: String, findings: [Finding], fixed: Bool = false) -> String {
        (["<details>", "<summary>\(MarkdownText.escape(summary))</summary>", ""] + findingTable(findings, fixed: fixed)
            + [
                "</details>"
            ])
            .joined(separator: "\n") + "\n"
    }

    /// At most a third of the limit, so that one Service with thousands of findings leaves room for the others.
    private func findingTable(_ findings: [Finding], fixed: Bool = false) -> [String] {
        let groups = FindingGroup.group(findings)
        let rows = fitting(groups, budget: limit / 3, overflow: { "| | … | | \($0) more not shown |" }) { group in
            let mark = fixed ? "✅" : group.ignoredBy != nil ? "🔕" : group.severity == .error ? "❌" : "⚠️"
            var detail = MarkdownText.escape(group.message)
            if let reason = group.ignoredBy {
                detail += " *(ignored by \(MarkdownText.escape(reason)))*"
            } else {
                detail += "<br>*Hint:* \(MarkdownText.escape(group.hint))"
            }
            let location = ReportWording.location(group.source).map(MarkdownText.code) ?? "live only"
            return "| \(mark) | \(MarkdownText.code(group.label)) | \(location) | \(detail) |"
        }
        return ["| | Finding | Where | Details |", "|---|---|---|---|"] + rows + [""]
    }

    /// Also cut at a third of the limit: a pull request may add thousands of backends.
    private func changes(_ changes: [DesiredChange]) -> String {
        var all: [String] = []
        for change in changes {
            let service = MarkdownText.code(change.service.description)
            all += change.added.map { "| \(service) | ➕ added | \(MarkdownText.code($0.key.description)) |" }
            all += change.removed.map { "| \(service) | ➖ removed | \(MarkdownText.code($0.key.description)) |" }
            all += change.moved.map {
                "| \(service) | ↪️ moved | \(MarkdownText.code(ReportWording.host($0.before.address))) → "
                    + "\(MarkdownText.code(ReportWording.host($0.after.address))) on "
                    + "\(MarkdownText.escape(ReportWording.port($0.after.key))) |"
            }
            all += change.portChanged.map {
                "| \(service) | ✏️ port \(MarkdownText.escape(ReportWording.port($0.before.key))) → "
                    + "\(MarkdownText.escape(ReportWording.port($0.after.key))) | "
                    + "\(MarkdownText.code(ReportWording.host($0.after.address))) |"
            }
            all += change.modified.map { modified in
                "| \(service) | ✏️ \(MarkdownText.escape(ReportWording.backendState(modified.before))) → "
                    + "\(MarkdownText.escape(ReportWording.backendState(modified.after))) | "
                    + "\(MarkdownText.code(modified.after.key.description)) |"
            }
        }
        let rows = fitting(all, budget: limit / 3, overflow: { "| … | \($0) more | |" }) { $0 }
        return
            ([
                "<details>", "<summary>Backends changed in git by this pull request (\(changes.count))</summary>", "",
                "| Service | Change | Backend |", "|---|---|---|",
            ] + rows + ["", "</details>"]).joined(separator: "\n") + "\n"
    }

    private func list(summary: String, items: [String]) -> String {
        (["<details>", "<summary>\(MarkdownText.escape(summary))</summary>", ""]
            + items.map { "- \(MarkdownText.escape($0))" } + ["", "</details>"]).joined(separator: "\n") + "\n"
    }
}
