import Drift
import Manifests

/// `-o html`: one self-contained page (styles inline, no scripts, no fonts, no images, and a
/// Content-Security-Policy that forbids loading anything) for people who open the report from a
/// CI artefact or a mail: a card per cluster, then per cluster a table of Services and a table of
/// findings with links into the repository (`--repo-url`). Tables turn into cards on a phone.
public struct HTMLReporter: Reporter, FleetReporter {
    public let toolVersion: String
    public let link: RepositoryLink?

    public init(toolVersion: String, link: RepositoryLink? = nil) {
        self.toolVersion = toolVersion
        self.link = link
    }

    /// A single check or lint: one unnamed section.
    public func render(_ report: DriftReport) -> String {
        render(
            FleetReport(
                startedAt: report.live?.observedAt ?? "", duration: 0,
                clusters: [ClusterReport(name: "", report: report)]))
    }

    public func render(_ fleet: FleetReport) -> String {
        let single = fleet.clusters.count == 1 && fleet.clusters[0].name.isEmpty
        let mode = fleet.clusters.first?.report?.mode ?? .check
        var page = HTMLPage()
        page.open(
            title:
                "endpoint-drift \(mode.rawValue): \(fleet.outcome.rawValue.uppercased()) — \(headline(fleet, single))")
        page.add(header(fleet, single: single, mode: mode))
        page.add("<main>")
        if !single {
            page.add("<section class=\"cards\" aria-label=\"Clusters\">")
            for cluster in fleet.clusters { page.add(card(cluster)) }
            page.add("</section>")
        }
        for cluster in fleet.clusters { page.add(section(cluster, single: single)) }
        page.add("</main>")
        page.add(
            "<footer>endpoint-drift \(HTMLText.escape(toolVersion)) · this page is self-contained: it loads nothing</footer>"
        )
        return page.close()
    }

    // MARK: Head of the page

    private func headline(_ fleet: FleetReport, _ single: Bool) -> String {
        if single, let report = fleet.clusters[0].report { return ReportWording.headline(report, report.summary) }
        return FleetWording.headline(fleet)
    }

    private func header(_ fleet: FleetReport, single: Bool, mode: DriftReport.Mode) -> String {
        var facts: [String] = []
        if let desired = fleet.desired {
            facts.append(
                "commit <code title=\"\(HTMLText.escape(desired.commit))\">\(HTMLText.escape(String(desired.commit.prefix(7))))</code>"
                    + " (\(HTMLText.escape(desired.revision)))")
            facts.append("repository <code>\(HTMLText.escape(desired.repository))</code>")
        }
        if !fleet.startedAt.isEmpty {
            facts.append("\(single ? "observed" : "started") <time>\(HTMLText.escape(fleet.startedAt))</time>")
        }
        if fleet.duration > 0 { facts.append("took \(FleetWording.seconds(fleet.duration))") }
        let outcome = fleet.outcome
        return """
            <header class="top">
            <div class="verdict \(outcome.rawValue)">\(outcome.rawValue.uppercased())</div>
            <div class="title">
            <h1>endpoint-drift \(mode.rawValue)</h1>
            <p class="headline">\(HTMLText.escape(headline(fleet, single)))</p>
            <p class="meta">\(facts.map { "<span>\($0)</span>" }.joined(separator: " "))</p>
            </div>
            </header>
            """
    }

    // MARK: Cluster cards

    private func card(_ cluster: ClusterReport) -> String {
        var lines = [
            "<a class=\"card \(cluster.outcome.rawValue)\" href=\"#\(anchor(cluster))\">",
            "<div class=\"card-head\"><h2>\(HTMLText.escape(cluster.name))</h2>\(badge(cluster.outcome))</div>",
        ]
        if let error = cluster.error {
            lines.append("<p class=\"card-error\">Could not check: \(HTMLText.escape(error))</p>")
        }
        if let report = cluster.report {
            let summary = report.summary
            lines.append(bar(summary))
            lines.append("<dl class=\"counts\">")
            lines.append("<div><dt>Services</dt><dd>\(summary.services)</dd></div>")
            for status in ServiceStatus.allCases where summary.count(status) > 0 {
                lines.append(
                    "<div class=\"s-\(status.rawValue)\"><dt>\(ReportWording.status(status))</dt><dd>\(summary.count(status))</dd></div>"
                )
            }
            lines.append("<div><dt>Findings</dt><dd>\(summary.findings)</dd></div>")
            lines.append("</dl>")
        }
        lines.append("</a>")
        return lines.joined(separator: "\n")
    }

    /// A stacked bar of Service statuses, drawn with widths only (no images, no scripts).
    private func bar(_ summary: DriftSummary) -> String {
        guard summary.services > 0 else { return "<div class=\"bar empty\"></div>" }
        let parts = ServiceStatus.allCases.filter { summary.count($0) > 0 }.map { status in
            let percent = Double(summary.count(status)) * 100 / Double(summary.services)
            return
                "<span class=\"s-\(status.rawValue)\" style=\"width:\(format(percent))%\" title=\"\(summary.count(status)) \(ReportWording.status(status))\"></span>"
        }
        return "<div class=\"bar\" aria-hidden=\"true\">\(parts.joined())</div>"
    }

    // MARK: Cluster sections

    private func anchor(_ cluster: ClusterReport) -> String {
        cluster.name.isEmpty ? "report" : "cluster-" + HTMLText.identifier(cluster.name)
    }

    private func section(_ cluster: ClusterReport, single: Bool) -> String {
        var lines = ["<section class=\"cluster\" id=\"\(anchor(cluster))\">"]
        if !single {
            lines.append("<h2>\(HTMLText.escape(cluster.name)) \(badge(cluster.outcome))</h2>")
        }
        var facts: [String] = []
        if let live = cluster.report?.live, !live.observedAt.isEmpty {
            facts.append(
                "live state from \(HTMLText.escape(live.source)), observed \(HTMLText.escape(live.observedAt))")
            if let namespaces = live.namespaces, !namespaces.isEmpty {
                facts.append(
                    "namespaces \(namespaces.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: ", "))")
            }
        }
        if cluster.report?.mode == .lint { facts.append("lint: manifests only, no cluster") }
        if cluster.duration > 0 { facts.append("checked in \(FleetWording.seconds(cluster.duration))") }
        if !facts.isEmpty { lines.append("<p class=\"meta\">\(facts.joined(separator: " · "))</p>") }
        if let error = cluster.error {
            lines.append("<p class=\"alert\"><strong>Could not check:</strong> \(HTMLText.escape(error))</p>")
        }
        if let report = cluster.report, cluster.error != nil {
            // Unreachable: which Services were not compared is all the report can say.
            lines.append(services(ReportIndex(report), mode: report.mode))
        } else if let report = cluster.report {
            let summary = report.summary
            lines.append("<p class=\"summary\">\(HTMLText.escape(ReportWording.findings(summary))).</p>")
            let index = ReportIndex(report)
            lines.append(services(index, mode: report.mode))
            if report.isPullRequest {
                lines.append(plan(report))
                lines.append(
                    findings(
                        report.findings.filter { $0.change == .introduced }, title: "Introduced by this pull request"))
                lines.append(
                    findings(report.findings.filter { $0.change == .preExisting }, title: "Drift already there"))
                lines.append(
                    findings(report.findings.filter { $0.change == .planned }, title: "Planned: applied by the merge"))
            } else {
                lines.append(findings(report.findings, title: "Findings"))
            }
            if !report.fixed.isEmpty { lines.append(findings(report.fixed, title: "Fixed by this pull request")) }
            lines.append(messages(report.errors, title: "Could not check", open: true))
            lines.append(messages(report.notes, title: "Notes", open: false))
        }
        lines.append("</section>")
        return lines.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// Services needing attention first, then those in sync.
    private func services(_ index: ReportIndex, mode: DriftReport.Mode) -> String {
        guard !index.keys.isEmpty else { return "<p class=\"empty\">No external services.</p>" }
        let attention = Set(index.needingAttention)
        let ordered = index.needingAttention + index.keys.filter { !attention.contains($0) }
        var rows: [String] = []
        for key in ordered {
            let result = index.result(key)
            let active = index.findings(key).filter { !$0.isIgnored }
            let byType = Dictionary(grouping: active, by: \.type).sorted { $0.key < $1.key }.map {
                "<span class=\"chip\">\($0.value.count) \(HTMLText.escape($0.key.rawValue))</span>"
            }
            let status: String
            if let value = result?.status {
                status = "<span class=\"status s-\(value.rawValue)\">\(ReportWording.status(value))</span>"
            } else {
                status =
                    result == nil ? "<span class=\"status\">not compared</span>" : "<span class=\"status\">—</span>"
            }
            var detail = byType.joined(separator: " ")
            if let error = result?.error {
                detail += "<div class=\"quiet\">\(HTMLText.escape(error))</div>"
            } else if byType.isEmpty {
                detail = "<span class=\"quiet\">none</span>"
            }
            // Nothing was read for a Service in error: a 0 would read as "every backend gone".
            let live = mode == .lint || result?.status == .error ? "" : result.map { String($0.live.count) } ?? ""
            rows.append(
                "<tr>" + cell("Service", "<code>\(HTMLText.escape(key.description))</code>") + cell("Status", status)
                    + cell("In git", result.map { String($0.desired.count) } ?? "", numeric: true)
                    + cell("Live", live, numeric: true) + cell("Findings", detail) + "</tr>")
        }
        return """
            <h3>Services <span class="count">\(index.keys.count)</span></h3>
            <div class="table-wrap"><table class="services">
            <thead><tr><th>Service</th><th>Status</th><th class="num">In git</th><th class="num">Live</th><th>Findings</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table></div>
            """
    }

    /// Pull-request mode: what merging changes, per Service.
    private func plan(_ report: DriftReport) -> String {
        var rows: [String] = []
        for change in report.desiredChanges {
            let lines = ReportWording.planLines(change).map {
                "<div>\(HTMLText.escape("\($0.symbol) \($0.text)"))</div>"
            }
            rows.append(
                "<tr>" + cell("Service", "<code>\(HTMLText.escape(change.service.description))</code>")
                    + cell("In git", HTMLText.escape(ReportWording.planKind(change)) + lines.joined())
                    + cell("Once applied", HTMLText.escape(ReportWording.onceApplied(change)))
                    + cell("Live now", change.liveNow.map(String.init) ?? "—") + "</tr>")
        }
        return """
            <h3>Plan <span class="count">\(report.desiredChanges.count)</span></h3>
            <p class="quiet">\(HTMLText.escape(ReportWording.appliedBy(report.appliedBy)))</p>
            <div class="table-wrap"><table class="findings">
            <thead><tr><th>Service</th><th>In git</th><th>Once applied</th><th>Live now</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody></table></div>
            """
    }

    private func findings(_ findings: [Finding], title: String) -> String {
        guard !findings.isEmpty else { return "" }
        var rows: [String] = []
        for group in FindingGroup.group(findings) {
            let finding = group.first
            let severity = finding.isIgnored ? "ignored" : finding.severity.rawValue
            var details = "<div>\(HTMLText.escape(group.message))</div>"
            if let reason = finding.ignoredBy {
                details += "<div class=\"quiet\">Ignored by \(HTMLText.escape(reason))</div>"
            } else {
                details += "<div class=\"hint\">\(HTMLText.escape(group.hint))</div>"
            }
            if let change = finding.change {
                details += "<span class=\"chip \(change.rawValue)\">\(HTMLText.escape(change.rawValue))</span>"
            }
            var what = "<code class=\"type\">\(HTMLText.escape(group.label))</code>"
            if let service = finding.service {
                what += "<div class=\"service\">\(HTMLText.escape(service.description))</div>"
            }
            rows.append(
                "<tr class=\"\(severity)\">" + cell("Severity", "<span class=\"sev \(severity)\">\(severity)</span>")
                    + cell("Finding", what) + cell("Details", details) + cell("Where", location(finding)) + "</tr>")
        }
        let active = findings.filter { !$0.isIgnored }.count
        let count = active == findings.count ? "\(findings.count)" : "\(active) + \(findings.count - active) ignored"
        return """
            <h3>\(HTMLText.escape(title)) <span class="count">\(count)</span></h3>
            <div class="table-wrap"><table class="findings">
            <thead><tr><th>Severity</th><th>Finding</th><th>Details</th><th>Where</th></tr></thead>
            <tbody>
            \(rows.joined(separator: "\n"))
            </tbody>
            </table></div>
            """
    }

    /// `path:line` in git, linked when `--repo-url` was given; the live object otherwise.
    private func location(_ finding: Finding) -> String {
        guard let source = finding.source, let text = ReportWording.location(source) else {
            return finding.object.map { "<span class=\"quiet\">live only: \(HTMLText.escape($0.description))</span>" }
                ?? ""
        }
        // A long path breaks after a slash rather than in the middle of a name.
        let label = "<code class=\"path\">\(HTMLText.escape(text).replacingAll("/", with: "/<wbr>"))</code>"
        guard let link else { return label }
        return "<a href=\"\(HTMLText.escape(link.url(for: source)))\">\(label)</a>"
    }

    private func messages(_ messages: [DriftReport.Message], title: String, open: Bool) -> String {
        guard !messages.isEmpty else { return "" }
        let items = messages.map { "<li>\(HTMLText.escape($0.located))</li>" }.joined(separator: "\n")
        return """
            <details class="messages"\(open ? " open" : "")><summary>\(HTMLText.escape(title)) (\(messages.count))</summary>
            <ul>
            \(items)
            </ul>
            </details>
            """
    }

    /// A table cell whose content is one element, so that the phone layout can put the column
    /// name beside it.
    private func cell(_ label: String, _ content: String, numeric: Bool = false) -> String {
        "<td data-label=\"\(label)\"\(numeric ? " class=\"num\"" : "")><div class=\"v\">\(content)</div></td>"
    }

    private func badge(_ outcome: DriftSummary.Outcome) -> String {
        "<span class=\"badge \(outcome.rawValue)\">\(outcome.rawValue.uppercased())</span>"
    }

    /// One decimal, without Foundation.
    private func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// The page around the content: doctype, head with the inline style sheet and the policy that
/// keeps it self-contained.
struct HTMLPage {
    private var parts: [String] = []

    mutating func open(title: String) {
        parts.append(
            """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>\(HTMLText.escape(title))</title>
            <style>
            \(HTMLStyle.css)
            </style>
            </head>
            <body>
            """)
    }

    mutating func add(_ html: String) {
        if !html.isEmpty { parts.append(html) }
    }

    func close() -> String {
        (parts + ["</body>", "</html>"]).joined(separator: "\n") + "\n"
    }
}
