import Drift

/// `-o github` for several clusters: every cluster's annotations, titled with the cluster, an
/// error annotation for a cluster that could not be checked, and one summary line per cluster.
public struct FleetGitHubReporter: FleetReporter {
    public init() {}

    public func render(_ fleet: FleetReport) -> String {
        var lines: [String] = []
        for cluster in fleet.clusters {
            if let error = cluster.error {
                lines.append(
                    GitHubReporter.command(
                        "error", [("title", "endpoint-drift could not check cluster \(cluster.name)")], error))
            }
            // An unreachable cluster's report only repeats "not compared" per namespace.
            if cluster.error == nil, let report = cluster.report {
                lines += GitHubReporter.annotations(report, cluster: cluster.name)
            }
        }
        for cluster in fleet.clusters {
            var text = "endpoint-drift [\(cluster.name)]: \(cluster.outcome.rawValue)"
            if cluster.error != nil {
                text += "; could not check"
            } else if let report = cluster.report {
                let summary = report.summary
                text += "; \(ReportWording.headline(report, summary)); \(ReportWording.findings(summary))"
            }
            lines.append(text)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
