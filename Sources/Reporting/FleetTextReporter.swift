import Drift
import Manifests

/// `-o text` for several clusters: a line per cluster first (the morning glance), then each
/// cluster's text report under a heading, then one verdict line for the run.
public struct FleetTextReporter: FleetReporter {
    let style: TextStyle
    let color: Bool

    public init(color: Bool) {
        style = TextStyle(enabled: color)
        self.color = color
    }

    public func render(_ fleet: FleetReport) -> String {
        var lines = [header(fleet)]
        let width = fleet.clusters.map(\.name.count).max() ?? 0
        for cluster in fleet.clusters {
            lines.append("  " + TextStyle.pad(style.bold(cluster.name), width) + "  " + line(cluster))
        }
        for cluster in fleet.clusters {
            lines.append("")
            lines.append(style.bold("── cluster \(cluster.name): ") + outcome(cluster.outcome) + style.bold(" ──"))
            if let error = cluster.error {
                // The report of a cluster that could not be read only repeats "not compared" per Service.
                lines.append(style.red("could not check: \(error)"))
                if let report = cluster.report, !report.services.isEmpty {
                    lines.append(ReportWording.plural(report.services.count, "service") + " in git not compared")
                }
            } else if let report = cluster.report {
                // Already escaped, line by line: kept as its lines.
                lines += TextReporter(color: color).render(report).trimmingTrailingNewlines()
                    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
        }
        lines.append("")
        lines.append(FleetWording.verdict(fleet, outcome: outcome(fleet.outcome)))
        return SafeText.terminalLines(lines) + "\n"
    }

    private func header(_ fleet: FleetReport) -> String {
        var text = style.bold("endpoint-drift check") + ": " + ReportWording.plural(fleet.clusters.count, "cluster")
        if let desired = fleet.desired {
            text += ", \(desired.repository) at \(desired.revision) (\(desired.commit.prefix(7)))"
        }
        return text + ", started \(fleet.startedAt), \(FleetWording.seconds(fleet.duration))"
    }

    private func line(_ cluster: ClusterReport) -> String {
        let word = TextStyle.pad(outcome(cluster.outcome), 5)
        if let error = cluster.error { return "\(word)  could not check: \(error)" }
        guard let report = cluster.report else { return word }
        let summary = report.summary
        return "\(word)  \(ReportWording.headline(report, summary)) · \(ReportWording.findings(summary))"
    }

    private func outcome(_ outcome: DriftSummary.Outcome) -> String {
        switch outcome {
        case .pass: style.green("PASS")
        case .fail: style.red("FAIL")
        case .error: style.red("ERROR")
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var copy = self
        while copy.hasSuffix("\n") { copy.removeLast() }
        return copy
    }
}
