import Drift

/// `-o sarif` for several clusters: one SARIF run per cluster, each with its own
/// `automationDetails.id` (`endpoint-drift/check/<cluster>/`), which code scanning treats as a
/// category of its own, so the clusters' results do not replace each other.
public struct FleetSARIFReporter: FleetReporter {
    public let toolVersion: String

    public init(toolVersion: String) { self.toolVersion = toolVersion }

    public func render(_ fleet: FleetReport) -> String {
        let sarif = SARIFReporter(toolVersion: toolVersion)
        let runs = fleet.clusters.map { cluster -> JSONWriter.Member in
            let category = "endpoint-drift/check/\(cluster.name)/"
            guard let report = cluster.report else {
                return sarif.failedRun(category: category, message: cluster.error ?? "could not check")
            }
            return sarif.run(report, category: category, errors: cluster.error.map { [$0] } ?? [])
        }
        return JSONWriter.write(members: sarif.document(runs: runs))
    }
}
