import Drift

/// `-o junit` for several clusters: each cluster's suites, named `<cluster>/<namespace>`, and a
/// suite `<cluster>` with one errored test case for a cluster that could not be checked.
public struct FleetJUnitReporter: FleetReporter {
    public init() {}

    public func render(_ fleet: FleetReport) -> String {
        let junit = JUnitReporter()
        var suites: [JUnitReporter.Suite] = []
        for cluster in fleet.clusters {
            if let error = cluster.error {
                suites.append(
                    JUnitReporter.Suite(
                        name: cluster.name, group: cluster.name,
                        cases: [JUnitReporter.TestCase(name: "cluster \(cluster.name)", findings: [], error: error)]))
            }
            for suite in cluster.report.map(junit.suites) ?? [] {
                suites.append(
                    JUnitReporter.Suite(
                        name: "\(cluster.name)/\(suite.name)", group: "\(cluster.name).\(suite.group)",
                        cases: suite.cases))
            }
        }
        return junit.document(name: "endpoint-drift check", suites: suites)
    }
}
