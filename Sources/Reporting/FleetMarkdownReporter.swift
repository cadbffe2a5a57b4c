import Drift

/// `-o markdown` for several clusters: one comment with the marker, a table of clusters, then
/// each cluster's Markdown report in a collapsible block. Each cluster gets an equal share of the
/// comment limit, so that one noisy cluster cannot push the others out.
public struct FleetMarkdownReporter: FleetReporter {
    let limit: Int

    public init(limit: Int = MarkdownReporter.defaultLimit) { self.limit = limit }

    public func render(_ fleet: FleetReport) -> String {
        var head = [
            MarkdownReporter.marker,
            "### \(MarkdownText.icon(fleet.outcome)) endpoint-drift: \(FleetWording.headline(fleet))", "",
        ]
        if let desired = fleet.desired {
            head.append(
                "Checked \(MarkdownText.code(desired.revision)) (\(MarkdownText.code(String(desired.commit.prefix(7))))) "
                    + "against \(ReportWording.plural(fleet.clusters.count, "cluster")), started "
                    + "\(MarkdownText.escape(fleet.startedAt)).")
            head.append("")
        }
        head += ["| Cluster | Result | Services | Not in sync | Findings |", "|---|---|---:|---:|---|"]
        for cluster in fleet.clusters {
            let summary = cluster.report?.summary
            let services = summary.map { String($0.services) } ?? ""
            let notInSync = summary.map { String($0.services - $0.count(.inSync)) } ?? ""
            var findings = summary.map { MarkdownText.escape(ReportWording.findings($0)) } ?? ""
            if let error = cluster.error { findings = "could not check: " + MarkdownText.escape(error) }
            head.append(
                "| \(MarkdownText.code(cluster.name)) | \(MarkdownText.icon(cluster.outcome)) \(cluster.outcome.rawValue) | "
                    + "\(services) | \(notInSync) | \(findings) |")
        }
        head.append("")
        var out = head.joined(separator: "\n")
        let share = max(2_000, (limit - out.utf8.count - 200) / max(1, fleet.clusters.count))
        for cluster in fleet.clusters {
            var body = ""
            if let error = cluster.error {
                body += "💥 Could not check: \(MarkdownText.escape(error))\n"
                if let count = cluster.report?.services.count, count > 0 {
                    body += "\n\(ReportWording.plural(count, "service")) in git not compared.\n"
                }
            } else if let report = cluster.report {
                // The cluster's own report without its marker (there is one per comment), demoted a level.
                let inner = MarkdownReporter(limit: share - 200).render(report)
                    .split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
                    .map { $0.hasPrefix("### ") ? "#### " + $0.dropFirst(4) : String($0) }
                body += inner.joined(separator: "\n")
            }
            out += "\n<details>\n<summary><b>\(MarkdownText.escape(cluster.name))</b>: "
            out +=
                "\(MarkdownText.icon(cluster.outcome)) \(cluster.outcome.rawValue)</summary>\n\n\(body)\n</details>\n"
        }
        return out
    }
}
